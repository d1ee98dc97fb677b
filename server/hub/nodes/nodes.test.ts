import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_EPOCH } from '../../sync/contract-protocol.js';
import { probeFeature, startTestHub, type TestHub, type TestOrg } from '../testing.js';

let t: TestHub;
let su: pg.Client;
let a: TestOrg;
let b: TestOrg;

beforeAll(async () => {
  t = await startTestHub({ extraFeatures: [probeFeature] });
  su = new pg.Client({ connectionString: t.db.url });
  await su.connect();
  [a, b] = await Promise.all([t.org('Org A'), t.org('Org B')]);
});
afterAll(async () => {
  await su?.end();
  await t?.stop();
});

async function enrolDepot(org: TestOrg, depotCode = 'NORTH'): Promise<{ node: string; credential: string }> {
  const code = (await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token })).body.code as string;
  const node = randomUUID();
  const bound = (await su.query('SELECT replica_org_id FROM hub_orgs WHERE id = $1', [org.orgId])).rows[0]?.replica_org_id;
  const r = await t.call('POST', '/hub/v1/enrol', {
    body: {
      code,
      node,
      orgId: bound ?? randomUUID(),
      depotCode,
      depotName: `${depotCode} depot`,
      schema: SYNC_SCHEMA_EPOCH,
      version: '0.1.0',
    },
  });
  expect(r.status).toBe(200);
  return { node, credential: r.body.credential };
}

describe('hub sign-in', () => {
  it('when the e-mail (any case) and password are right, then the token opens admin endpoints', async () => {
    const r = await t.call('POST', '/hub/v1/auth/login', { body: { email: a.email.toUpperCase(), password: a.password } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token: expect.stringMatching(/^hubs_/), orgId: a.orgId, accountId: a.adminId, role: 'admin' });
    expect((await t.call('GET', '/hub/v1/nodes', { token: r.body.token })).status).toBe(200);
    const stored = await su.query('SELECT count(*)::int AS n FROM hub_sessions WHERE token_hash = $1', [r.body.token]);
    expect(stored.rows[0].n).toBe(0);
  });

  it('when the password is wrong or the e-mail unknown, then both get the same 401', async () => {
    const wrong = await t.call('POST', '/hub/v1/auth/login', { body: { email: a.email, password: 'nope-nope-nope' } });
    const unknown = await t.call('POST', '/hub/v1/auth/login', { body: { email: 'nobody@example.test', password: 'nope-nope-nope' } });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.type).toMatch(/problem\+json/);
      expect(r.body.code).toBe('invalid_credentials');
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('when the body has wrong types, then the answer is 400 naming the fields', async () => {
    const r = await t.call('POST', '/hub/v1/auth/login', { body: { email: 42, password: ['x'] } });
    expect(r.status).toBe(400);
    expect((r.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['body.email', 'body.password']);
  });

  it('when a session is past its 12 h, then its token is refused', async () => {
    const r = await t.call('POST', '/hub/v1/auth/login', { body: { email: a.email, password: a.password } });
    const start = t.clock.now;
    try {
      t.clock.now = start + 12 * 3600_000;
      const late = await t.call('GET', '/hub/v1/nodes', { token: r.body.token });
      expect(late.status).toBe(401);
    } finally {
      t.clock.now = start;
    }
  });
});

describe('nodes, across orgs', () => {
  it('when an admin lists nodes, then only their own org depots appear, with last push and pull', async () => {
    const na = await enrolDepot(a, 'A1');
    const nb = await enrolDepot(b, 'B1');
    await su.query('UPDATE nodes SET last_push_at = $2, last_pull_at = $2, last_pulled_version = 42 WHERE id = $1', [na.node, t.clock.now]);
    const la = await t.call('GET', '/hub/v1/nodes', { token: a.token });
    expect(la.status).toBe(200);
    const mine = la.body.items.find((n: { id: string }) => n.id === na.node);
    expect(mine).toMatchObject({
      depotCode: 'A1',
      state: 'active',
      lastPushAt: new Date(t.clock.now).toISOString(),
      lastPulledVersion: 42,
    });
    expect(la.body.items.map((n: { id: string }) => n.id)).not.toContain(nb.node);
    const lb = await t.call('GET', '/hub/v1/nodes', { token: b.token });
    expect(lb.body.items.map((n: { id: string }) => n.id)).toEqual([nb.node]);
  });

  it('when org B admin revokes org A node, then it is a 404 and A node keeps working', async () => {
    const na = await enrolDepot(a, 'A2');
    const r = await t.call('POST', `/hub/v1/nodes/${na.node}/revoke`, { token: b.token });
    expect(r.status).toBe(404);
    expect(r.type).toMatch(/problem\+json/);
    expect((await su.query('SELECT state FROM nodes WHERE id = $1', [na.node])).rows[0].state).toBe('active');
    expect((await t.call('GET', '/hub/v1/probe/node', { token: na.credential })).status).toBe(200);
  });

  it('when org B admin asks for a code with org A id in the body, then the code enrols into B', async () => {
    const issued = await t.call('POST', '/hub/v1/enrolment-codes', { token: b.token, body: { orgId: a.orgId } });
    expect(issued.status).toBe(201);
    const stored = await su.query<{ org_id: string }>('SELECT org_id FROM enrolment_codes WHERE created_by = $1', [b.adminId]);
    expect(new Set(stored.rows.map((r) => r.org_id))).toEqual(new Set([b.orgId]));
    const aReplica = (await su.query('SELECT replica_org_id FROM hub_orgs WHERE id = $1', [a.orgId])).rows[0].replica_org_id;
    const bReplica = (await su.query('SELECT replica_org_id FROM hub_orgs WHERE id = $1', [b.orgId])).rows[0].replica_org_id;
    // A's depot cannot use it to join A: the code belongs to B, whose replica org differs.
    const r = await t.call('POST', '/hub/v1/enrol', {
      body: {
        code: issued.body.code,
        node: randomUUID(),
        orgId: aReplica,
        depotCode: 'X',
        depotName: 'X',
        schema: SYNC_SCHEMA_EPOCH,
        version: '1',
      },
    });
    expect(r.status).toBe(409);
    expect(r.body.replicaOrgId).toBe(bReplica);
  });

  it('when an admin revokes their own depot, then its credential gets 401 and the list says revoked', async () => {
    const na = await enrolDepot(a, 'A3');
    const r = await t.call('POST', `/hub/v1/nodes/${na.node}/revoke`, { token: a.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: na.node, state: 'revoked' });
    const refused = await t.call('GET', '/hub/v1/probe/node', { token: na.credential });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('credential_revoked');
  });

  it('when a depot leaves, then its own credential is revoked and the next request is 401', async () => {
    const na = await enrolDepot(a, 'A4');
    const other = await enrolDepot(a, 'A5');
    const r = await t.call('POST', '/hub/v1/nodes/self/leave', { token: na.credential });
    expect(r.status).toBe(204);
    expect((await t.call('POST', '/hub/v1/nodes/self/leave', { token: na.credential })).status).toBe(401);
    expect((await t.call('GET', '/hub/v1/probe/node', { token: other.credential })).status).toBe(200);
  });

  it('when credentials are mixed up or missing, then each is a 401 problem', async () => {
    const na = await enrolDepot(a, 'A6');
    const cases = [
      t.call('GET', '/hub/v1/nodes'),
      t.call('GET', '/hub/v1/nodes', { token: na.credential }),
      t.call('GET', '/hub/v1/probe/node', { token: a.token }),
      t.call('POST', '/hub/v1/nodes/self/leave', { token: 'hubn_forged' }),
      t.call('GET', '/hub/v1/nodes', { headers: { authorization: 'Basic YTpi' } }),
    ];
    for (const r of await Promise.all(cases)) {
      expect(r.status).toBe(401);
      expect(r.type).toMatch(/problem\+json/);
    }
  });

  it('when a node id is not a UUID, then the answer is 400 naming params.id', async () => {
    const r = await t.call('POST', '/hub/v1/nodes/not-a-node/revoke', { token: a.token });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('params.id');
  });
});
