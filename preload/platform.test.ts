import { describe, expect, it, vi } from 'vitest';
import { DESKTOP_PLATFORM_METHODS, type DesktopPlatform } from '../renderer/platform/types.js';
import { CHANNELS } from './channels.js';
import { desktopPlatform } from './platform.js';

// Compile-time: the method list names every DesktopPlatform method (the test below checks the rest).
type Missing = Exclude<Exclude<keyof DesktopPlatform, 'kind'>, (typeof DESKTOP_PLATFORM_METHODS)[number]>;
const complete: [Missing] extends [never] ? true : false = true;

// A fake `electron` for the preload entry: what it exposes is recorded, nothing real is loaded.
const exposed = vi.hoisted(() => ({ name: '', api: null as unknown }));
const invoke = vi.hoisted(() => ({ calls: [] as [string, unknown][] }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => Object.assign(exposed, { name, api }) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoke.calls.push([channel, payload]);
      return { ok: true, value: channel === CHANNELS.saveReport ? '/home/me/kpi.pdf' : null };
    },
    send: () => {
      throw new Error('preload must not use send');
    },
  },
}));

/** Loads the preload afresh as it would run in a page at `pathname`. */
async function loadPreloadAt(pathname: string): Promise<void> {
  Object.assign(exposed, { name: '', api: null });
  vi.resetModules();
  vi.stubGlobal('location', { pathname });
  try {
    await import('./index.js');
  } finally {
    vi.unstubAllGlobals();
  }
}

describe('preload', () => {
  it.each(['/api/docs', '/s/abc', '/crew/', '/index.html'])(
    'when the page is another document of the host (%s), then no bridge is exposed',
    async (pathname) => {
      await loadPreloadAt(pathname);
      expect(exposed.name).toBe('');
      expect(exposed.api).toBeNull();
    },
  );

  it('when loaded, then it exposes exactly the DesktopPlatform methods as window.depotdesk, and not ipcRenderer', async () => {
    await loadPreloadAt('/');
    expect(complete).toBe(true);
    expect(exposed.name).toBe('depotdesk');
    const api = exposed.api as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['kind', ...DESKTOP_PLATFORM_METHODS].sort());
    expect(api.kind).toBe('desktop');
    for (const m of DESKTOP_PLATFORM_METHODS) expect(typeof api[m]).toBe('function');
    expect(Object.values(api)).not.toContain(undefined);
    expect(await (api as unknown as DesktopPlatform).saveReport('kpi.pdf', new Uint8Array([1]))).toBe('/home/me/kpi.pdf');
  });

  it('when each method is called, then it invokes its own constant channel with a named payload', async () => {
    const calls: [string, unknown][] = [];
    const p = desktopPlatform({ invoke: async (c, payload) => (calls.push([c, payload]), { ok: true, value: null }) });
    const bytes = new Uint8Array([1, 2]);
    await p.saveReport('kpi.pdf', bytes);
    await p.notifyAlert({ kind: 'sla_breach', title: 't', body: 'b', key: 'sla:1' });
    expect(calls).toEqual([
      [CHANNELS.saveReport, { suggestedName: 'kpi.pdf', data: bytes }],
      [CHANNELS.notifyAlert, { kind: 'sla_breach', title: 't', body: 'b', key: 'sla:1' }],
    ]);
  });

  it("when main refuses, then the promise rejects with main's message and code", async () => {
    const p = desktopPlatform({
      invoke: async () => ({ ok: false, error: { code: 'untrusted_sender', message: 'Only the console may ask.' } }),
    });
    await expect(p.saveReport('kpi.pdf', new Uint8Array(1))).rejects.toThrow('Only the console may ask. [untrusted_sender]');
    const broken = desktopPlatform({ invoke: async () => 'garbage' });
    await expect(broken.notifyAlert({ kind: 'sla_breach', title: 't', body: 'b', key: 'sla:1' })).rejects.toThrow(/bad_reply/);
  });

  it('when channel names are listed, then each is area:verb-noun and unique', () => {
    const names = Object.values(CHANNELS);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z]+:[a-z]+-[a-z]+$/);
  });
});
