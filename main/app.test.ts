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
    expect(win.options).toMatchObject({ webPreferences: { preload: '/app/dist/preload/index.js', contextIsolation: true, sandbox: true, nodeIntegration: false } });
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

  it('when any web contents is created, then the navigation guards are attached to it', async () => {
    const t = boot();
    await flush();
    t.utility.last.ready();
    await t.handle.ready;
    const contents = new FakeWebContents();
    t.app.emit('web-contents-created', {}, contents);
    expect(contents.attempt('will-navigate', 'https://evil.com/')).toBe(true);
    expect(contents.openHandler!({ url: 'https://www.openstreetmap.org/' })).toEqual({ action: 'deny' });
    expect(t.openedExternal).toEqual(['https://www.openstreetmap.org/']);
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
