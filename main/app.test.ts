import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMain } from './app.js';
import { FakeTray, FakeWebContents, fakeElectron, FakeWindow, ManualScheduler, preventable } from './testing/fake-electron.js';

const tmps: string[] = [];
afterAll(() => tmps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const flush = () => new Promise<void>((r) => setImmediate(r));

function boot(opts: { gotLock?: boolean } = {}) {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-app-'));
  tmps.push(userData);
  const fake = fakeElectron({ userData, ...opts });
  const clock = new ManualScheduler();
  const logs: string[] = [];
  const handle = createMain(fake.electron, {
    distDir: '/app/dist',
    platform: 'linux',
    env: { PATH: '/usr/bin' },
    scheduler: clock,
    forceKill: () => {},
    log: (l) => logs.push(l),
  });
  return { ...fake, handle, clock, userData, logs };
}

describe('desktop shell wiring (fake electron)', () => {
  it('when another DepotDesk already runs, then this one quits at once and starts no host', () => {
    const t = boot({ gotLock: false });
    expect(t.handle.primary).toBe(false);
    expect(t.app.quitCalls).toBe(1);
    expect(t.utility.children).toHaveLength(0);
  });

  it('when the host is ready, then one hardened window loads the console from it and the data lives in userData', async () => {
    const t = boot();
    await flush();
    expect(t.utility.last.modulePath).toBe('/app/dist/host/start.js');
    expect(t.utility.last.env.DEPOTDESK_DATA_DIR).toBe(path.join(t.userData, 'depot'));
    expect(FakeWindow.created).toHaveLength(0);
    t.utility.last.ready(4400);
    await t.handle.ready;
    const win = FakeWindow.created[0]!;
    expect(win.loaded).toEqual(['http://127.0.0.1:4400/']);
    expect(win.options).toMatchObject({
      webPreferences: { preload: '/app/dist/preload/index.js', contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    win.emit('ready-to-show');
    expect(win.shown).toBe(1);
    expect(FakeTray.last!.tooltip).toMatch(/host running on port 4400/);
    expect(t.session.headers).not.toBeNull();
  });

  it('when a second launch happens, then the existing window is restored and focused', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    const win = FakeWindow.created[0]!;
    win.minimized = true;
    t.app.emit('second-instance');
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(1);
  });

  it('when any other web contents is created, then the safety-net guards are attached to it and it opens nothing itself', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    const contents = new FakeWebContents();
    t.app.emit('web-contents-created', {}, contents);
    expect(contents.attempt('will-navigate', 'https://evil.com/')).toBe(true);
    expect(contents.attempt('will-navigate', 'http://127.0.0.1:4400/api/docs')).toBe(true);
    expect(contents.attempt('will-attach-webview')).toBe(true);
    expect(contents.openHandler!({ url: 'https://www.openstreetmap.org/' })).toEqual({ action: 'deny' });
    expect(t.openedExternal).toEqual([]);
  });

  it('when the console window follows a trusted link, then it opens in the OS browser exactly once (window guard and safety net both run)', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    const contents = FakeWindow.created[0]!.webContents;
    expect(contents.listenerCount('will-navigate')).toBe(2);
    expect(contents.attempt('will-navigate', 'https://www.openstreetmap.org/')).toBe(true);
    expect(contents.openHandler!({ url: 'https://maps.apple.com/?daddr=1,2' })).toEqual({ action: 'deny' });
    expect(t.openedExternal).toEqual(['https://www.openstreetmap.org/', 'https://maps.apple.com/?daddr=1,2']);
    expect(contents.attempt('will-navigate', 'http://127.0.0.1:4400/s/abc')).toBe(true);
  });

  it('when crew LAN access is switched off from the menu, then the choice is saved and the host restarts without LAN', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    t.handle.actions!.setCrewLan(false);
    await flush();
    expect(JSON.parse(fs.readFileSync(path.join(t.userData, 'settings.json'), 'utf8'))).toEqual({ crewLan: false });
    expect(t.utility.children).toHaveLength(2);
    expect(t.utility.last.env.DEPOTDESK_LAN).toBe('0');
    t.utility.last.ready();
    const depotMenu = t.menus.at(-2)!.find((m) => m.label === 'Depot')!;
    expect(depotMenu.submenu![0]).toMatchObject({ label: 'Crew LAN access', checked: false, enabled: true });
    expect(FakeTray.last!.tooltip).toMatch(/Crew LAN access: off/);
  });

  it('when the app quits, then quitting waits for the host to stop, then goes ahead', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    const first = preventable();
    t.app.emit('before-quit', first);
    expect(first.prevented).toBe(true);
    await flush();
    expect(t.utility.last.killed).toBe(1);
    expect(t.app.quitCalls).toBe(1);
    const second = preventable();
    t.app.emit('before-quit', second);
    expect(second.prevented).toBe(false);
  });

  it('when the host keeps crashing, then the dispatcher sees one error dialog saying so', async () => {
    const t = boot();
    t.handle.ready.catch(() => {});
    await flush();
    for (let i = 0; i < 6; i++) {
      t.utility.last.exit(1);
      t.clock.advance(20_000);
    }
    expect(t.handle.supervisor!.status.state).toBe('failed');
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]!.content).toMatch(/crashed 6 times/);
    expect(FakeTray.last!.tooltip).toMatch(/stopped after repeated crashes/);
  });
});

describe('first-run setup code hand-off (fake electron)', () => {
  const CODE = 'dGhpcy1pcy1hLXNldHVwLWNv';
  const banner = (port: number, code: string) =>
    `DepotDesk depot host listening on http://127.0.0.1:${port}\n  console:  http://127.0.0.1:${port}/#setup=${code}\n  API docs: http://127.0.0.1:${port}/api/docs\n  crew LAN access off\n`;

  it('when the host is ready with a setup code, then the window first loads the console with it in the fragment', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready(4400, CODE);
    await t.handle.ready;
    expect(FakeWindow.created[0]!.loaded).toEqual([`http://127.0.0.1:4400/#setup=${CODE}`]);
  });

  it('when the host is ready without a code (already set up) or with a malformed one, then the window loads the plain console address', async () => {
    for (const code of [undefined, 'bad code!']) {
      const t = boot();
      await flush();
      t.utility.last.ready(4400, code);
      await t.handle.ready;
      expect(FakeWindow.created[0]!.loaded).toEqual(['http://127.0.0.1:4400/']);
    }
  });

  it('when the host restarts on another port with a new code, then the window follows it with the new code', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready(4400, CODE);
    await t.handle.ready;
    t.utility.last.exit(1);
    t.clock.advance(1_000);
    const next = 'bmV3LXNldHVwLWNvZGUtMTIz';
    t.utility.last.ready(4411, next);
    expect(FakeWindow.created).toHaveLength(1);
    expect(FakeWindow.created[0]!.loaded).toEqual([`http://127.0.0.1:4400/#setup=${CODE}`, `http://127.0.0.1:4411/#setup=${next}`]);
  });

  it('when the host prints its banner with the code and the console fails to load, then no line main logs (nor the tray) contains the code', async () => {
    const t = boot();
    await flush();
    FakeWindow.failLoads = true;
    // The banner reaches main before the ready message, as from server/start.ts, and again after it.
    t.utility.last.stdout.emit('data', Buffer.from(banner(4400, CODE)));
    t.utility.last.ready(4400, CODE);
    await t.handle.ready;
    t.utility.last.stderr.emit('data', `warning: setup code ${CODE} printed bare\n`);
    await flush();
    FakeWindow.failLoads = false;
    expect(FakeWindow.created[0]!.loaded[0]).toContain(CODE);
    expect(t.logs.some((l) => l.includes('console:  http://127.0.0.1:4400/#setup=[redacted]'))).toBe(true);
    expect(t.logs.some((l) => l.startsWith('the console did not load'))).toBe(true);
    expect(t.logs.filter((l) => l.includes(CODE))).toEqual([]);
    expect(FakeTray.last!.tooltip).not.toContain(CODE);
    expect(JSON.stringify(t.menus)).not.toContain(CODE);
  });
});
