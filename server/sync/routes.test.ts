import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import type { EnrolRequest } from './contract-protocol.js';

/**
 * The depot's /sync routes against a scripted hub (enrolment, leave) over real HTTP: who may do
 * what, and what the admin sees when the hub refuses or cannot be reached. Push and pull against a
 * real hub on PostgreSQL are server/sync/hub-depot.test.ts.
 */

let t: TestHost;
let world: World;
let hub: http.Server;
let hubUrl: string;
const enrolments: EnrolRequest[] = [];
const left: string[] = [];
let hubOrgId = '';

beforeAll(async () => {
  t = await startTestHost();
  world = await seedWorld(t);
  hubOrgId = '0190b000-0000-7000-8000-000000000abc';
  hub = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const send = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (req.url === '/hub/v1/enrol') {
        const e = JSON.parse(body) as EnrolRequest;
        enrolments.push(e);
        if (e.code === 'expired-code-0000')
          return send(422, { code: 'enrolment_code_invalid', detail: 'This enrolment code has expired.' });
        if (e.code === 'other-org-code-00')
          return send(200, {
            credential: 'x'.repeat(43),
            hubOrgId,
            orgName: 'Other',
            replicaOrgId: '0190b000-0000-7000-8000-00000000dead',
          });
        return send(200, { credential: 'k'.repeat(43), hubOrgId, orgName: 'Riverside', replicaOrgId: e.orgId });
      }
      if (req.url === '/hub/v1/nodes/self/leave') {
        left.push(String(req.headers.authorization));
        return send(200, {});
      }
      // Push and pull: the hub is "down", so the loop's failure shows in the status.
      send(503, { code: 'unavailable', detail: 'maintenance' });
    });
  });
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => hub.close(r));
  await t.close();
});

describe('depot sync routes', () => {
  it('when the depot has not joined a hub, then every console role sees "off" and nothing pending', async () => {
    for (const role of ['admin', 'dispatcher', 'tech1', 'viewer'] as const) {
      const res = await t.api('GET', '/api/v1/sync/status', { token: world.tokens[role] });
      expect(res.status, role).toBe(200);
      expect(res.body).toMatchObject({ enrolled: false, phase: 'off', pending: 0, hubUrl: null });
    }
  });

  it('when a dispatcher, technician or viewer tries to join, pause, leave, re-snapshot or check rows, then 403 and nothing changes', async () => {
    for (const path of [
      '/api/v1/sync/enrol',
      '/api/v1/sync/pause',
      '/api/v1/sync/leave',
      '/api/v1/sync/resnapshot',
      '/api/v1/sync/drift-check',
    ]) {
      for (const role of ['dispatcher', 'tech1', 'viewer'] as const) {
        const res = await t.api('POST', path, { token: world.tokens[role], body: { hubUrl, code: 'good-code-0000' } });
        expect(res.status, `${role} ${path}`).toBe(403);
      }
    }
    expect(enrolments).toHaveLength(0);
  });

  it('when the address is not a web address or the hub is unreachable, then the admin gets a clear error', async () => {
    const bad = await t.api('POST', '/api/v1/sync/enrol', {
      token: world.tokens.admin,
      body: { hubUrl: 'ftp://hub', code: 'good-code-0000' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/https:\/\//);
    const down = await t.api('POST', '/api/v1/sync/enrol', {
      token: world.tokens.admin,
      body: { hubUrl: 'http://127.0.0.1:1', code: 'good-code-0000' },
    });
    expect(down.status).toBe(502);
    expect(down.body.detail).toMatch(/could not be reached/);
    const missing = await t.api('POST', '/api/v1/sync/enrol', { token: world.tokens.admin, body: { hubUrl } });
    expect(missing.status).toBe(400);
  });

  it("when the hub refuses the code or belongs to another organization, then the hub's reason is shown and the depot stays unenrolled", async () => {
    const expired = await t.api('POST', '/api/v1/sync/enrol', { token: world.tokens.admin, body: { hubUrl, code: 'expired-code-0000' } });
    expect(expired.status).toBe(422);
    expect(expired.body.detail).toBe('This enrolment code has expired.');
    const other = await t.api('POST', '/api/v1/sync/enrol', { token: world.tokens.admin, body: { hubUrl, code: 'other-org-code-00' } });
    expect(other.status).toBe(409);
    expect(other.body.detail).toMatch(/another organization/);
    const status = await t.api('GET', '/api/v1/sync/status', { token: world.tokens.admin });
    expect(status.body.enrolled).toBe(false);
  });

  it('when an admin joins with a good code, then the hub is told who the depot is and the status shows the hub', async () => {
    const res = await t.api('POST', '/api/v1/sync/enrol', {
      token: world.tokens.admin,
      body: { hubUrl: `${hubUrl}/`, code: 'good-code-0000' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enrolled: true, hubUrl, hubOrgId, paused: false });
    const sent = enrolments.at(-1)!;
    expect(sent).toMatchObject({
      code: 'good-code-0000',
      orgId: world.orgId,
      node: t.host.depotId,
      depotCode: 'MAIN',
      depotName: 'Riverside depot',
    });
    // The seed's mutations wait for the hub.
    expect(res.body.pending).toBeGreaterThan(0);
  });

  it('when the hub is down, then "sync now" reports offline with its reason and nothing is acknowledged', async () => {
    const before = await t.api('GET', '/api/v1/sync/status', { token: world.tokens.admin });
    const res = await t.api('POST', '/api/v1/sync/now', { token: world.tokens.admin });
    expect(res.status).toBe(200);
    expect(res.body.phase).toBe('offline');
    expect(res.body.lastError).toMatch(/503/);
    expect(res.body.pending).toBe(before.body.pending);
  });

  it('when paused and resumed, then the status says so; re-snapshot is accepted', async () => {
    const paused = await t.api('POST', '/api/v1/sync/pause', { token: world.tokens.admin });
    expect(paused.body).toMatchObject({ paused: true, phase: 'paused' });
    const resumed = await t.api('POST', '/api/v1/sync/resume', { token: world.tokens.admin });
    expect(resumed.body.paused).toBe(false);
    const snap = await t.api('POST', '/api/v1/sync/resnapshot', { token: world.tokens.admin });
    expect(snap.status).toBe(200);
    expect(snap.body.pullCursor).toBe(0);
  });

  it('when an unknown refusal is dismissed, then 404; a malformed id is 400', async () => {
    const unknown = await t.api('POST', '/api/v1/sync/refusals/0190b000-0000-7000-8000-000000000001/dismiss', {
      token: world.tokens.admin,
    });
    expect(unknown.status).toBe(404);
    const malformed = await t.api('POST', '/api/v1/sync/refusals/not-a-uuid/dismiss', { token: world.tokens.admin });
    expect(malformed.status).toBe(400);
    const list = await t.api('GET', '/api/v1/sync/refusals', { token: world.tokens.admin });
    expect(list.body).toEqual({ items: [] });
  });

  it('when the admin leaves, then the credential is revoked at the hub and forgotten here', async () => {
    const res = await t.api('POST', '/api/v1/sync/leave', { token: world.tokens.admin });
    expect(res.status).toBe(200);
    // The 503 from the hub-down test above was about that hub: gone with it.
    expect(res.body).toMatchObject({ enrolled: false, phase: 'off', lastError: null, lastPushAt: null, lastPullAt: null });
    expect(left).toEqual([`Bearer ${'k'.repeat(43)}`]);
    const again = await t.api('POST', '/api/v1/sync/leave', { token: world.tokens.admin });
    expect(again.status).toBe(409);
  });
});
