import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../preload/channels.js';
import { createNotifier } from '../notifications.js';
import { FakeIpcMain } from '../testing/fake-electron.js';
import { registerIpcHandlers } from './handlers.js';

const ORIGIN = 'http://127.0.0.1:4400';
const CONSOLE = `${ORIGIN}/#/board`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-ipc-'));
const reportsDir = path.join(tmp, 'depot', 'reports');
fs.mkdirSync(reportsDir, { recursive: true });
fs.writeFileSync(path.join(reportsDir, 'kpi-2025-06.pdf'), '%PDF-1.7');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function setup(origin: string | null = ORIGIN, log?: (line: string) => void) {
  const ipc = new FakeIpcMain();
  const opened: string[] = [];
  const external: string[] = [];
  const shown: { title: string; body: string }[] = [];
  let saveTo: string | null = path.join(tmp, 'saved.pdf');
  let pick: string | null = path.join(reportsDir, 'kpi-2025-06.pdf');
  const unregister = registerIpcHandlers({
    ipcMain: ipc,
    consoleOrigin: () => origin,
    appVersion: '1.2.3',
    dialog: {
      showSaveDialog: async () => (saveTo ? { canceled: false, filePath: saveTo } : { canceled: true }),
      showOpenDialog: async () => (pick ? { canceled: false, filePaths: [pick] } : { canceled: true, filePaths: [] }),
    },
    shell: {
      openPath: async (p) => (opened.push(p), ''),
      openExternal: async (u) => void external.push(u),
    },
    notifier: createNotifier({ create: (o) => ({ on: () => null, show: () => shown.push(o) }), supported: () => true, onClick: () => {} }),
    reportsDir: () => reportsDir,
    saveDir: () => tmp,
    ...(log ? { log } : {}),
  });
  return {
    ipc,
    opened,
    external,
    shown,
    unregister,
    cancelSave: () => (saveTo = null),
    pickFile: (p: string | null) => (pick = p),
  };
}

describe('IPC sender validation', () => {
  it('when every channel of preload/channels.ts is registered, then none is missing or extra', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it.each([CONSOLE, `${ORIGIN}/`, `${ORIGIN}/#setup=abcdefghijklmnop1234`, `${ORIGIN}/?v=2#/map`])(
    'when the console document (%s) calls, then it gets { ok, value }',
    async (url) => {
      const { ipc } = setup();
      expect(await ipc.invoke(CHANNELS.appVersion, undefined, url)).toEqual({ ok: true, value: '1.2.3' });
    },
  );

  it('when a refused call is logged, then the line names the page without its query or fragment', async () => {
    const logs: string[] = [];
    const { ipc } = setup(ORIGIN, (l) => logs.push(l));
    await ipc.invoke(CHANNELS.appVersion, undefined, `${ORIGIN}/s/share-code-123?token=tok-123#x=frag-123`);
    expect(logs).toEqual([`refused ${CHANNELS.appVersion} from ${ORIGIN}/s/share-code-123`]);
  });

  it.each([
    ['another origin', 'https://evil.com/', null],
    ['the host on another port', 'http://127.0.0.1:4401/', null],
    ['localhost instead of 127.0.0.1', 'http://localhost:4400/', null],
    ['a file: page', 'file:///tmp/x.html', null],
    ['an iframe inside the console', `${ORIGIN}/frame.html`, { url: CONSOLE }],
    ['the console document framed inside the console', `${ORIGIN}/`, { url: CONSOLE }],
    // Same origin as the console, other documents: an origin check alone would trust these.
    ['the API docs page', `${ORIGIN}/api/docs`, null],
    ['the API docs page with a fragment', `${ORIGIN}/api/docs/#/work-orders`, null],
    ['a share page', `${ORIGIN}/s/abc`, null],
    ['the crew view', `${ORIGIN}/crew/`, null],
    ['the crew view with a route', `${ORIGIN}/crew/#/jobs`, null],
    ['a path the host does not serve the console at', `${ORIGIN}/index.html`, null],
  ])('when %s calls, then it is refused before the payload is looked at', async (_what, url, parent) => {
    const { ipc, external } = setup();
    for (const channel of Object.values(CHANNELS)) {
      const r = await ipc.invoke(channel, { url: 'https://www.openstreetmap.org/' }, url, parent);
      expect(r).toEqual({ ok: false, error: { code: 'untrusted_sender', message: expect.any(String) } });
    }
    expect(external).toEqual([]);
  });

  it('when the frame is already gone (senderFrame null) or the host is down, then it is refused', async () => {
    const { ipc } = setup();
    const h = ipc.handlers.get(CHANNELS.appVersion)!;
    expect(await h({ senderFrame: null }, undefined)).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    const down = setup(null);
    expect(await down.ipc.invoke(CHANNELS.appVersion, undefined, CONSOLE)).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
  });
});

describe('IPC payload validation', () => {
  it.each([
    [CHANNELS.notify, { title: '', body: 'x' }, /title/],
    [CHANNELS.notify, { title: 'x', body: 'y', extra: 1 }, /Unrecognized key/],
    [CHANNELS.notify, 'just a string', /expected object/],
    [CHANNELS.notifyAlert, { kind: 'fire', title: 't', body: 'b', key: 'k' }, /kind/],
    [CHANNELS.saveReport, { suggestedName: 'a.pdf', data: 'not bytes' }, /data/],
    [CHANNELS.openFile, { filters: [{ name: 'CSV', extensions: ['.csv; rm -rf'] }] }, /filters/],
    [CHANNELS.openReport, { url: 'x', fileName: 'a'.repeat(300) }, /fileName/],
    [CHANNELS.appVersion, { sneaky: true }, /expected undefined/],
  ])('when %s gets a bad payload, then it answers an invalid_payload error object (no throw)', async (channel, payload, message) => {
    const { ipc } = setup();
    const r = (await ipc.invoke(channel, payload, CONSOLE)) as { ok: false; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('invalid_payload');
    expect(r.error.message).toMatch(message);
  });
});

describe('IPC capabilities', () => {
  it('when a report in the reports folder is opened, then the OS viewer gets its real path', async () => {
    const { ipc, opened } = setup();
    expect(await ipc.invoke(CHANNELS.openReport, { url: '/x', fileName: 'kpi-2025-06.pdf' }, CONSOLE)).toEqual({ ok: true });
    expect(opened).toEqual([fs.realpathSync(path.join(reportsDir, 'kpi-2025-06.pdf'))]);
  });

  it.each(['../../etc/passwd', '/etc/passwd', '../depot.sqlite', 'missing.pdf'])('when the report name is %s, then nothing is opened', async (fileName) => {
    const { ipc, opened } = setup();
    const r = (await ipc.invoke(CHANNELS.openReport, { url: '/x', fileName }, CONSOLE)) as { ok: boolean; error: { code: string } };
    expect(r.ok).toBe(false);
    expect(['outside_reports', 'not_found']).toContain(r.error.code);
    expect(opened).toEqual([]);
  });

  it('when report bytes are saved, then they are written where the dialog says; a cancel gives null', async () => {
    const s = setup();
    const r = await s.ipc.invoke(CHANNELS.saveReport, { suggestedName: 'kpi.pdf', data: new Uint8Array([37, 80, 68, 70]) }, CONSOLE);
    expect(r).toEqual({ ok: true, value: path.join(tmp, 'saved.pdf') });
    expect(fs.readFileSync(path.join(tmp, 'saved.pdf'), 'utf8')).toBe('%PDF');
    s.cancelSave();
    expect(await s.ipc.invoke(CHANNELS.saveReport, { suggestedName: 'kpi.pdf', data: new Uint8Array(1) }, CONSOLE)).toEqual({ ok: true, value: null });
  });

  it('when a file is picked, then its name and bytes come back', async () => {
    const s = setup();
    const r = (await s.ipc.invoke(CHANNELS.openFile, { filters: [{ name: 'PDF', extensions: ['pdf'] }] }, CONSOLE)) as { ok: true; value: { name: string; data: Uint8Array } };
    expect(r.value.name).toBe('kpi-2025-06.pdf');
    expect(Buffer.from(r.value.data).toString()).toBe('%PDF-1.7');
    s.pickFile(null);
    expect(await s.ipc.invoke(CHANNELS.openFile, { filters: [] }, CONSOLE)).toEqual({ ok: true, value: null });
  });

  it('when an external link is asked for, then only trusted https links reach the OS browser', async () => {
    const { ipc, external } = setup();
    expect(await ipc.invoke(CHANNELS.openExternal, { url: 'https://www.openstreetmap.org/#map=12/51.5/0' }, CONSOLE)).toEqual({ ok: true });
    expect(await ipc.invoke(CHANNELS.openExternal, { url: 'https://evil.com/?x=openstreetmap.org' }, CONSOLE)).toMatchObject({ ok: false, error: { code: 'untrusted_url' } });
    expect(await ipc.invoke(CHANNELS.openExternal, { url: 'file:///etc/passwd' }, CONSOLE)).toMatchObject({ ok: false, error: { code: 'untrusted_url' } });
    expect(external).toEqual(['https://www.openstreetmap.org/#map=12/51.5/0']);
  });

  it('when the same SLA breach is notified twice within a minute, then one notification is shown', async () => {
    const { ipc, shown } = setup();
    const alert = { kind: 'sla_breach', title: 'SLA breached', body: 'WO-1042 Boiler — resolution overdue', key: 'sla:1042' };
    await ipc.invoke(CHANNELS.notifyAlert, alert, CONSOLE);
    await ipc.invoke(CHANNELS.notifyAlert, alert, CONSOLE);
    await ipc.invoke(CHANNELS.notifyAlert, { ...alert, kind: 'telemetry_alert', key: 'telemetry:7', title: 'Freezer 3 above −15 °C' }, CONSOLE);
    await ipc.invoke(CHANNELS.notify, { title: 'Report ready', body: 'kpi.pdf' }, CONSOLE);
    expect(shown.map((s) => s.title)).toEqual(['SLA breached', 'Freezer 3 above −15 °C', 'Report ready']);
    expect(shown[0]).toMatchObject({ urgency: 'critical', timeoutType: 'never' });
  });
});
