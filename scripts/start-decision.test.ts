import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideStart, expectedConsoleUrl, exitCodeFor, MAIN_ENTRY, type StartProbe } from './start-decision.mjs';

const root = '/repo';
const electronDir = path.join(root, 'node_modules', 'electron');
const binary = path.join(electronDir, 'dist', 'electron');

/** A probe of a tree holding exactly `files` (path → text). */
function probe(
  files: Record<string, string>,
  env: Record<string, string | undefined> = { DISPLAY: ':0' },
  platform: NodeJS.Platform = 'linux',
): StartProbe {
  return {
    root,
    platform,
    env,
    exists: (file) => file in files,
    readText: (file) => files[file] ?? null,
  };
}

const complete = {
  [path.join(electronDir, 'package.json')]: '{}',
  [path.join(electronDir, 'path.txt')]: 'electron\n',
  [binary]: '',
  [path.join(root, MAIN_ENTRY)]: '',
};

describe('npm start decision', () => {
  it('when Electron is downloaded, the shell is built and a display exists, then it opens the desktop console', () => {
    expect(decideStart(probe(complete))).toEqual({ mode: 'electron', electronBinary: binary, mainEntry: path.join(root, MAIN_ENTRY) });
  });

  it('when the electron package is not installed, then it runs the headless host and says so', () => {
    const d = decideStart(probe({}));
    expect(d.mode).toBe('headless');
    expect(d.mode === 'headless' && d.reason).toMatch(/electron package is not installed/);
  });

  it('when electron is installed but its binary was never downloaded, then it runs headless instead of triggering a download', () => {
    const files = { ...complete };
    delete files[path.join(electronDir, 'path.txt')];
    const d = decideStart(probe(files));
    expect(d).toEqual({ mode: 'headless', reason: expect.stringMatching(/path\.txt is missing/) });
  });

  it('when path.txt names a binary that is gone, then it runs headless naming that file', () => {
    const files = { ...complete };
    delete files[binary];
    expect(decideStart(probe(files))).toEqual({ mode: 'headless', reason: expect.stringContaining('node_modules/electron/dist/electron') });
  });

  it('when the desktop shell has not been built, then it runs headless', () => {
    const files = { ...complete };
    delete files[path.join(root, MAIN_ENTRY)];
    expect(decideStart(probe(files))).toEqual({ mode: 'headless', reason: expect.stringContaining(MAIN_ENTRY) });
  });

  it('when Linux has no display, then it runs headless; other platforms need no DISPLAY', () => {
    expect(decideStart(probe(complete, {}))).toEqual({ mode: 'headless', reason: expect.stringMatching(/no display/) });
    expect(decideStart(probe(complete, { WAYLAND_DISPLAY: 'wayland-0' })).mode).toBe('electron');
    expect(decideStart(probe(complete, {}, 'win32')).mode).toBe('electron');
  });

  it('when DEPOTDESK_HEADLESS=1, then it runs headless even with Electron available', () => {
    expect(decideStart(probe(complete, { DISPLAY: ':0', DEPOTDESK_HEADLESS: '1' })).mode).toBe('headless');
  });
});

describe('console URL announced before the host starts', () => {
  it('when no flag or environment is given, then it is the loopback default port 4400', () => {
    expect(expectedConsoleUrl([], {})).toBe('http://127.0.0.1:4400/');
  });

  it('when --port is given in either form, then it wins over DEPOTDESK_PORT', () => {
    expect(expectedConsoleUrl(['--data-dir', '/x', '--port', '4501'], { DEPOTDESK_PORT: '4999' })).toBe('http://127.0.0.1:4501/');
    expect(expectedConsoleUrl(['--port=4502'], {})).toBe('http://127.0.0.1:4502/');
    expect(expectedConsoleUrl([], { DEPOTDESK_PORT: '4999' })).toBe('http://127.0.0.1:4999/');
  });

  it('when the host binds all interfaces, then the console is still announced on loopback', () => {
    expect(expectedConsoleUrl(['--host', '0.0.0.0'], {})).toBe('http://127.0.0.1:4400/');
  });
});

describe('exit code passed on from the child', () => {
  it('when the child exits with a code, then that code; when killed by a signal, then 128 + its number', () => {
    expect(exitCodeFor(0, null, os.constants.signals)).toBe(0);
    expect(exitCodeFor(2, null, os.constants.signals)).toBe(2);
    expect(exitCodeFor(null, 'SIGTERM', os.constants.signals)).toBe(143);
    expect(exitCodeFor(null, 'SIGKILL', os.constants.signals)).toBe(137);
  });
});

describe('npm start explanation', () => {
  it('when the Electron binary was never downloaded, then the paragraph says what was tried, why it fails here and what happens instead', async () => {
    const { explainHeadless } = await import('./start-decision.mjs');
    const text = explainHeadless(
      'the Electron binary has not been downloaded (node_modules/electron/path.txt is missing)',
      'http://127.0.0.1:4400/',
    );
    expect(text).toMatch(
      /^npm start tried to open the DepotDesk desktop console with Electron, but the Electron binary has not been downloaded/,
    );
    expect(text).toMatch(/cannot reach the download/);
    expect(text).toMatch(/headless depot host instead/);
    expect(text).toMatch(
      /Open the console at http:\/\/127\.0\.0\.1:4400\/ \(on a first run, open the console address printed below instead: it carries the one-time setup code\)\.$/,
    );
  });

  it('when the reason is something else (no display), then no download is blamed', async () => {
    const { explainHeadless } = await import('./start-decision.mjs');
    expect(explainHeadless('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)', 'http://127.0.0.1:4400/')).not.toMatch(
      /download/,
    );
  });

  it('when the port is 0 (a free one is picked), then it points at the address the host prints instead of a port-0 URL', async () => {
    const { explainHeadless } = await import('./start-decision.mjs');
    const text = explainHeadless('the Electron binary is missing', 'http://127.0.0.1:0/');
    expect(text).not.toMatch(/:0\//);
    expect(text).toMatch(/address it prints below/);
  });
});
