import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeWindow } from './testing/fake-electron.js';
import { consoleUrl, createConsoleWindow, loadConsole } from './windows.js';

const ORIGIN = 'http://127.0.0.1:4400';
const CODE = 'Q2xvY2stdG93ZXItMTIzNDU2';
const here = path.dirname(fileURLToPath(import.meta.url));

function make() {
  const opened: string[] = [];
  const logs: string[] = [];
  const win = createConsoleWindow({
    BrowserWindow: FakeWindow,
    preloadPath: '/app/dist/preload/index.js',
    state: { bounds: { x: 1, y: 2, width: 1300, height: 800 }, maximized: false },
    iconPath: '/app/resources/icons/png/256x256.png',
    guard: { consoleOrigin: () => ORIGIN, openExternal: (u) => opened.push(u), log: (l) => logs.push(l) },
  });
  return { win, opened, logs };
}

describe('the console window', () => {
  it('when the window is built, then isolation, sandbox and web security are on and Node, webviews and drag-navigation are off', () => {
    const { win } = make();
    expect(win.options).toMatchObject({
      x: 1,
      y: 2,
      width: 1300,
      height: 800,
      minWidth: 1024,
      minHeight: 640,
      show: false,
      icon: '/app/resources/icons/png/256x256.png',
    });
    expect((win.options as { webPreferences: unknown }).webPreferences).toEqual({
      preload: '/app/dist/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it("when the window's page tries to leave the console document, then the window's own guards stop it", () => {
    const { win, opened } = make();
    const contents = win.webContents;
    expect(contents.attempt('will-navigate', `${ORIGIN}/#/board`)).toBe(false);
    for (const url of [`${ORIGIN}/api/docs`, `${ORIGIN}/s/abc`, `${ORIGIN}/crew/`, 'https://evil.com/', 'file:///etc/passwd']) {
      expect(contents.attempt('will-navigate', url), url).toBe(true);
      expect(contents.attempt('will-redirect', url), url).toBe(true);
    }
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.openHandler!({ url: `${ORIGIN}/` })).toEqual({ action: 'deny' });
    expect(contents.attempt('will-navigate', 'https://www.openstreetmap.org/')).toBe(true);
    expect(opened).toEqual(['https://www.openstreetmap.org/']);
  });

  it('when main/ is read as a scanner reads it, then the only BrowserWindow is made in windows.ts with its preferences and guards in the same function', () => {
    const sources = fs
      .readdirSync(here, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'));
    const constructing = sources.filter((f) => /new\s+[\w.]*BrowserWindow\s*\(/.test(fs.readFileSync(path.join(here, f), 'utf8')));
    expect(constructing).toEqual(['windows.ts']);
    const source = fs.readFileSync(path.join(here, 'windows.ts'), 'utf8');
    const body = source.slice(
      source.indexOf('export function createConsoleWindow'),
      source.indexOf('\n}\n', source.indexOf('export function createConsoleWindow')),
    );
    for (const needle of [
      'new deps.BrowserWindow({',
      'contextIsolation: true,',
      'sandbox: true,',
      'nodeIntegration: false,',
      'webSecurity: true,',
      'webviewTag: false,',
      "contents.on('will-navigate',",
      "contents.on('will-redirect',",
      "contents.on('will-attach-webview',",
      'contents.setWindowOpenHandler(',
    ]) {
      expect(body, needle).toContain(needle);
    }
  });
});

describe('the console address', () => {
  it('when the host sent a setup code, then it rides in the fragment; otherwise the plain console address', () => {
    expect(consoleUrl(ORIGIN, CODE)).toBe(`${ORIGIN}/#setup=${CODE}`);
    expect(consoleUrl(ORIGIN, null)).toBe(`${ORIGIN}/`);
  });

  it('when the code does not look like a setup code, then it is left out rather than put in a URL', () => {
    for (const bad of ['short', 'a'.repeat(129), 'has space in it 12345', 'frag#ment-1234567890', '../../etc/passwd/xx'])
      expect(consoleUrl(ORIGIN, bad)).toBe(`${ORIGIN}/`);
  });

  it('when the console fails to load, then the error is logged without the setup code', async () => {
    const { win } = make();
    const logs: string[] = [];
    FakeWindow.failLoads = true;
    try {
      loadConsole(win, ORIGIN, CODE, (l) => logs.push(l));
      await new Promise<void>((r) => setImmediate(r));
    } finally {
      FakeWindow.failLoads = false;
    }
    expect(win.loaded).toEqual([`${ORIGIN}/#setup=${CODE}`]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/the console did not load: ERR_CONNECTION_REFUSED/);
    expect(logs[0]).not.toContain(CODE);
  });
});
