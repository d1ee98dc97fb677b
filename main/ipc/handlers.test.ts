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
const ALERT = { kind: 'sla_breach', title: 'SLA breached', body: 'WO-1042 Boiler — resolution overdue', key: 'sla:1042' };
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function setup(origin: string | null = ORIGIN, log?: (line: string) => void) {
  const ipc = new FakeIpcMain();
  const shown: { title: string; body: string }[] = [];
  let saveTo: string | null = path.join(tmp, 'saved.pdf');
  const unregister = registerIpcHandlers({
    ipcMain: ipc,
    consoleOrigin: () => origin,
    dialog: {
      showSaveDialog: async () => (saveTo ? { canceled: false, filePath: saveTo } : { canceled: true }),
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
    },
    notifier: createNotifier({ create: (o) => ({ on: () => null, show: () => shown.push(o) }), supported: () => true, onClick: () => {} }),
    saveDir: () => tmp,
    ...(log ? { log } : {}),
  });
  return {
    ipc,
    shown,
    unregister,
    cancelSave: () => (saveTo = null),
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
      expect(await ipc.invoke(CHANNELS.notifyAlert, ALERT, url)).toEqual({ ok: true });
    },
  );

  it('when a refused call is logged, then the line names the page without its query or fragment', async () => {
    const logs: string[] = [];
    const { ipc } = setup(ORIGIN, (l) => logs.push(l));
    await ipc.invoke(CHANNELS.notifyAlert, ALERT, `${ORIGIN}/s/share-code-123?token=tok-123#x=frag-123`);
    expect(logs).toEqual([`refused ${CHANNELS.notifyAlert} from ${ORIGIN}/s/share-code-123`]);
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
    const { ipc, shown } = setup();
    const payloads = { [CHANNELS.notifyAlert]: ALERT, [CHANNELS.saveReport]: { suggestedName: 'kpi.pdf', data: new Uint8Array(1) } };
    for (const channel of Object.values(CHANNELS)) {
      const r = await ipc.invoke(channel, payloads[channel], url, parent);
      expect(r).toEqual({ ok: false, error: { code: 'untrusted_sender', message: expect.any(String) } });
    }
    expect(shown).toEqual([]);
  });

  it('when the frame is already gone (senderFrame null) or the host is down, then it is refused', async () => {
    const { ipc } = setup();
    const h = ipc.handlers.get(CHANNELS.notifyAlert)!;
    expect(await h({ senderFrame: null }, ALERT)).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
    const down = setup(null);
    expect(await down.ipc.invoke(CHANNELS.notifyAlert, ALERT, CONSOLE)).toMatchObject({ ok: false, error: { code: 'untrusted_sender' } });
  });
});

describe('IPC payload validation', () => {
  it.each([
    [CHANNELS.notifyAlert, { ...ALERT, title: '' }, /title/],
    [CHANNELS.notifyAlert, { ...ALERT, extra: 1 }, /Unrecognized key/],
    [CHANNELS.notifyAlert, 'just a string', /expected object/],
    [CHANNELS.notifyAlert, { kind: 'fire', title: 't', body: 'b', key: 'k' }, /kind/],
    [CHANNELS.saveReport, { suggestedName: 'a.pdf', data: 'not bytes' }, /data/],
    [CHANNELS.saveReport, { suggestedName: 'a'.repeat(300), data: new Uint8Array(1) }, /suggestedName/],
  ])('when %s gets a bad payload, then it answers an invalid_payload error object (no throw)', async (channel, payload, message) => {
    const { ipc } = setup();
    const r = (await ipc.invoke(channel, payload, CONSOLE)) as { ok: false; error: { code: string; message: string } };
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('invalid_payload');
    expect(r.error.message).toMatch(message);
  });
});

describe('IPC capabilities', () => {
  it('when report bytes are saved, then they are written where the dialog says; a cancel gives null', async () => {
    const s = setup();
    const r = await s.ipc.invoke(CHANNELS.saveReport, { suggestedName: 'kpi.pdf', data: new Uint8Array([37, 80, 68, 70]) }, CONSOLE);
    expect(r).toEqual({ ok: true, value: path.join(tmp, 'saved.pdf') });
    expect(fs.readFileSync(path.join(tmp, 'saved.pdf'), 'utf8')).toBe('%PDF');
    s.cancelSave();
    expect(await s.ipc.invoke(CHANNELS.saveReport, { suggestedName: 'kpi.pdf', data: new Uint8Array(1) }, CONSOLE)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('when the same SLA breach is notified twice within a minute, then one notification is shown', async () => {
    const { ipc, shown } = setup();
    const alert = ALERT;
    await ipc.invoke(CHANNELS.notifyAlert, alert, CONSOLE);
    await ipc.invoke(CHANNELS.notifyAlert, alert, CONSOLE);
    await ipc.invoke(
      CHANNELS.notifyAlert,
      { ...alert, kind: 'telemetry_alert', key: 'telemetry:7', title: 'Freezer 3 above −15 °C' },
      CONSOLE,
    );
    expect(shown.map((s) => s.title)).toEqual(['SLA breached', 'Freezer 3 above −15 °C']);
    expect(shown[0]).toMatchObject({ urgency: 'critical', timeoutType: 'never' });
  });
});
