import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupCodeFor } from '../auth/setup-code.js';
import { ConfigSchema } from '../config.js';
import { ManualClock } from '../core/clock.js';
import { startHost } from '../start.js';
import { ADMIN } from '../testing/harness.js';
import { corrupt } from './restore.test-helpers.js';
import { SET_DB } from './layout.js';
import { superviseHost, type SupervisedHost } from './supervise.js';

let dataDir: string;
let sup: SupervisedHost;
let url: string;
let token: string;

/**
 * One connection per request (no keep-alive pool): the restart closes every connection, and a
 * pooled socket the client has not yet seen closed would fail the first request after it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
function api(method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url + route,
      {
        method,
        agent: false,
        headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (text += c))
          .on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const locationCodes = async () =>
  ((await api('GET', '/api/v1/locations?limit=100')).body.items as { code: string }[]).map((l) => l.code).sort();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-restore-api-'));
  const config = ConfigSchema.parse({ dataDir, port: 0, lan: false, serial: false, backups: false, logLevel: 'silent' });
  sup = await superviseHost(config, startHost, { clock: new ManualClock(Date.parse('2026-11-16T09:00:00Z')), quiet: true });
  url = sup.current.url;
  const setup = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      setupCode: setupCodeFor(sup.current.host),
      organization: { name: 'Riverside Public Works', timeZone: 'Europe/London' },
      admin: ADMIN,
    }),
  });
  expect(setup.status).toBe(201);
  token = ((await setup.json()) as { token: string }).token;
});
afterAll(async () => {
  await sup.stop({ quitBackup: false });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('backups from the console API', () => {
  it('when an admin backs up, writes more and restores that backup, then the host restarts on the same port with exactly the backed-up data and a new epoch', async () => {
    expect((await api('POST', '/api/v1/locations', { code: 'EARLY', name: 'Early site', lat: 51.5, lon: -0.1 })).status).toBe(201);
    const made = await api('POST', '/api/v1/backups');
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ kind: 'manual', integrity: { ok: true, messages: ['ok'] }, epoch: 1 });
    expect((await api('POST', '/api/v1/locations', { code: 'LATE', name: 'Late site', lat: 51.5, lon: -0.1 })).status).toBe(201);
    expect(await locationCodes()).toEqual(['EARLY', 'LATE']);

    const listed = await api('GET', '/api/v1/backups');
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([made.body.id]);
    expect(listed.body.status).toMatchObject({ dir: path.join(dataDir, 'backups'), epoch: 1, lastError: null, lastRestore: null });
    const firstBoot = listed.body.status.bootId as string;

    // The API insists on the confirmation the console asks for.
    expect((await api('POST', `/api/v1/backups/${made.body.id}/restore`, {})).status).toBe(400);
    const restored = once(sup.events, 'restored');
    const accepted = await api('POST', `/api/v1/backups/${made.body.id}/restore`, { confirm: true });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ restoring: made.body.id, restarting: true, bootId: firstBoot });
    await restored;

    expect(sup.current.url).toBe(url);
    // The admin signed in before the backup, so the restored sessions still know this token.
    expect(await locationCodes()).toEqual(['EARLY']);
    const after = await api('GET', '/api/v1/backups');
    expect(after.body.status.bootId).not.toBe(firstBoot);
    expect(after.body.status.epoch).toBe(2);
    expect(sup.current.host.epoch).toBe(2);
    expect(after.body.status.lastRestore).toMatchObject({ epoch: 2 });
    expect(after.body.status.lastRestore.from).toContain(made.body.id);
  });

  it('when the chosen backup was damaged on its drive, then the restore is refused with 422 before anything stops, and the host keeps its data', async () => {
    const made = await api('POST', '/api/v1/backups');
    expect(made.status).toBe(201);
    corrupt(path.join(dataDir, 'backups', made.body.id, SET_DB));
    const before = await locationCodes();
    const res = await api('POST', `/api/v1/backups/${made.body.id}/restore`, { confirm: true });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/damaged|not a DepotDesk database/);
    expect(await locationCodes()).toEqual(before);
  });

  it('when the backup does not exist, then 404', async () => {
    expect((await api('POST', '/api/v1/backups/20200101-000000-daily/restore', { confirm: true })).status).toBe(404);
    expect((await api('POST', '/api/v1/backups/..%2F..%2Fetc/restore', { confirm: true })).status).toBe(400);
  });
});
