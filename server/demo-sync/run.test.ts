import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banner } from './cli.js';
import { startSyncDemo, type DemoDepot, type SyncDemo } from './run.js';

/** `npm run demo:sync` as a newcomer runs it, with a small demo: real hub, real depot processes. */

let demo: SyncDemo;

async function api(d: DemoDepot, method: string, route: string, body?: unknown) {
  const res = await fetch(`${d.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${d.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  demo = await startSyncDemo({ workOrders: 20 });
}, 180_000);

afterAll(async () => {
  await demo?.stop();
});

describe('npm run demo:sync', () => {
  it('when it has started, then both depots are one organization, synced, and their sign-ins in the banner work', async () => {
    const [a, b] = demo.depots;
    const text = banner(demo);
    for (const d of demo.depots) expect(text).toContain(`${d.url}/   sign in ${d.signIn.email} / ${d.signIn.password}`);
    const statuses = await Promise.all(demo.depots.map((d) => api(d, 'GET', '/api/v1/sync/status')));
    for (const s of statuses) expect(s.body).toMatchObject({ enrolled: true, pending: 0, phase: 'online', lastError: null });
    expect(statuses[0]!.body.hubOrgId).toBe(statuses[1]!.body.hubOrgId);
    const signIn = await fetch(`${b.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(b.signIn),
    });
    expect(signIn.status).toBe(200);
    const onA = await api(a, 'GET', '/api/v1/work-orders?limit=5');
    const onB = await api(b, 'GET', '/api/v1/work-orders?limit=5');
    expect((onB.body.items as unknown[]).length).toBeGreaterThan(0);
    // version is each replica's own (db/schema/sync-policy.ts TRACKED); updatedAt is when the row last changed anywhere.
    const synced = (items: unknown) => (items as Record<string, unknown>[]).map(({ version: _v, ...rest }) => rest);
    expect(synced(onB.body.items)).toEqual(synced(onA.body.items));
  });

  it('when a work order is renamed on depot A, then depot B shows the new title without anyone pressing sync', async () => {
    const [a, b] = demo.depots;
    const list = await api(a, 'GET', '/api/v1/work-orders?limit=1');
    const wo = (list.body.items as { id: string; version: number }[])[0]!;
    const patched = await fetch(`${a.url}/api/v1/work-orders/${wo.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json', 'if-match': `"${wo.version}"` },
      body: JSON.stringify({ title: 'Renamed on depot A' }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    await expect
      .poll(async () => (await api(b, 'GET', `/api/v1/work-orders/${wo.id}`)).body.title, { timeout: 15_000, interval: 50 })
      .toBe('Renamed on depot A');
  });

  it('when it stops, then the depots are gone and their data dirs deleted', async () => {
    const dirs = demo.depots.map((d) => d.dataDir);
    const urls = demo.depots.map((d) => d.url);
    await demo.stop();
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
    for (const url of urls) await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
