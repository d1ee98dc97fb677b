import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_SCHEMA_EPOCH } from '../../sync/contract-protocol.js';
import { sha256, normaliseCode } from '../secrets.js';
import { probeFeature, startTestHub, type TestHub, type TestOrg } from '../testing.js';

let t: TestHub;
let su: pg.Client;
beforeAll(async () => {
  t = await startTestHub({ extraFeatures: [probeFeature] });
  su = new pg.Client({ connectionString: t.db.url });
  await su.connect();
});
afterAll(async () => {
  await su?.end();
  await t?.stop();
});

const enrolBody = (code: string, depotOrg: string, node = randomUUID()) => ({
  code,
  node,
  orgId: depotOrg,
  depotCode: 'NORTH',
  depotName: 'North depot',
  schema: SYNC_SCHEMA_EPOCH,
  version: '0.1.0',
});

async function issue(org: TestOrg): Promise<string> {
  const r = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
  expect(r.status).toBe(201);
  return r.body.code as string;
}

const nodeCount = async () => (await su.query<{ n: number }>('SELECT count(*)::int AS n FROM nodes')).rows[0]!.n;

describe('enrolment codes', () => {
  it('when an admin issues a code, then it lasts 24 h and only its hash is stored', async () => {
    const org = await t.org();
    const r = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){4}$/);
    expect(Date.parse(r.body.expiresAt) - t.clock.now).toBe(24 * 3600_000);
    const stored = await su.query('SELECT code_hash FROM enrolment_codes WHERE org_id = $1', [org.orgId]);
    expect(stored.rows).toEqual([{ code_hash: sha256(normaliseCode(r.body.code)) }]);
    const plain = await su.query(`SELECT count(*)::int AS n FROM enrolment_codes WHERE code_hash IN ($1, $2)`, [
      r.body.code,
      normaliseCode(r.body.code),
    ]);
    expect(plain.rows[0].n).toBe(0);
  });

  it('when no one is signed in, or a manager asks, then no code is issued', async () => {
    expect((await t.call('POST', '/hub/v1/enrolment-codes')).status).toBe(401);
    const org = await t.org();
    await su.query(`UPDATE hub_accounts SET role = 'manager' WHERE id = $1`, [org.adminId]);
    const r = await t.call('POST', '/hub/v1/enrolment-codes', { token: org.token });
    expect(r.status).toBe(403);
    expect(r.type).toMatch(/problem\+json/);
    expect((await su.query('SELECT count(*)::int AS n FROM enrolment_codes WHERE org_id = $1', [org.orgId])).rows[0].n).toBe(0);
  });
});

describe('npm run hub -- issue-code', () => {
  it('when run with an admin e-mail, then it prints codes of that admin’s org that enrol a depot; a manager or unknown e-mail gets none', async () => {
    const org = await t.org();
    const cli = (args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(import.meta.dirname, '../../org-view/hub-cli.ts'),
            'issue-code',
            '--database-url',
            t.db.url,
            ...args,
          ],
          { encoding: 'utf8' },
          (error, out, err) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
        );
      });
    const ok = await cli(['--admin-email', org.email, '--count', '2']);
    expect(ok.code, ok.err).toBe(0);
    const codes = [...ok.out.matchAll(/^([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}) {2}\(valid until /gm)].map((m) => m[1]!);
    expect(codes).toHaveLength(2);
    // The command stamps codes with the real time; the test hub's clock is fixed in 2030.
    const fixed = t.clock.now;
    t.clock.now = Date.now();
    const node = randomUUID();
    const enrol = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(codes[0]!, randomUUID(), node) });
    t.clock.now = fixed;
    expect(enrol.status, JSON.stringify(enrol.body)).toBe(200);
    expect((await su.query('SELECT org_id FROM nodes WHERE id = $1', [node])).rows).toEqual([{ org_id: org.orgId }]);
    await su.query(`UPDATE hub_accounts SET role = 'manager' WHERE id = $1`, [org.adminId]);
    const manager = await cli(['--admin-email', org.email]);
    expect([manager.code, manager.out]).toEqual([1, '']);
    expect(manager.err).toMatch(/not a hub admin/);
    expect((await cli(['--admin-email', 'nobody@example.test'])).err).toMatch(/not a hub admin/);
  }, 60_000);
});

describe('enrolling a depot', () => {
  it('when a depot enrols with a fresh code, then it gets a credential, the org binds to its org id, and only the credential hash is stored', async () => {
    const org = await t.org('Acme');
    const depotOrg = randomUUID();
    const body = enrolBody(await issue(org), depotOrg);
    const r = await t.call('POST', '/hub/v1/enrol', { body });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ credential: expect.stringMatching(/^hubn_/), hubOrgId: org.orgId, orgName: 'Acme', replicaOrgId: depotOrg });
    const node = await su.query('SELECT org_id, credential_hash, state, depot_code FROM nodes WHERE id = $1', [body.node]);
    expect(node.rows).toEqual([{ org_id: org.orgId, credential_hash: sha256(r.body.credential), state: 'active', depot_code: 'NORTH' }]);
    const who = await t.call('GET', '/hub/v1/probe/node', { token: r.body.credential });
    expect(who.body.auth).toEqual({ orgId: org.orgId, nodeId: body.node });
  });

  it('when a code is typed in lower case without dashes, then it still enrols', async () => {
    const org = await t.org();
    const code = (await issue(org)).toLowerCase().replace(/-/g, ' ');
    expect((await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, randomUUID()) })).status).toBe(200);
  });

  it('when a code is used a second time, then it is refused and nothing changes', async () => {
    const org = await t.org();
    const code = await issue(org);
    const depotOrg = randomUUID();
    expect((await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, depotOrg) })).status).toBe(200);
    const before = await nodeCount();
    const again = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, depotOrg) });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('enrolment_code_used');
    expect(await nodeCount()).toBe(before);
  });

  it('when a code is older than 24 h, then it is refused as expired; a minute before, it works', async () => {
    const org = await t.org();
    const late = await issue(org);
    const onTime = await issue(org);
    const start = t.clock.now;
    try {
      t.clock.now = start + 24 * 3600_000 - 60_000;
      expect((await t.call('POST', '/hub/v1/enrol', { body: enrolBody(onTime, randomUUID()) })).status).toBe(200);
      t.clock.now = start + 24 * 3600_000;
      const before = await nodeCount();
      const r = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(late, randomUUID()) });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe('enrolment_code_expired');
      expect(await nodeCount()).toBe(before);
    } finally {
      t.clock.now = start;
    }
  });

  it('when the code is wrong, then the answer is 401 enrolment_code_invalid', async () => {
    const r = await t.call('POST', '/hub/v1/enrol', { body: enrolBody('ABCD-EFGH-JKMN-PQRS-TVWX', randomUUID()) });
    expect(r.status).toBe(401);
    expect(r.type).toMatch(/problem\+json/);
    expect(r.body.code).toBe('enrolment_code_invalid');
  });

  it('when the body has wrong types, missing or extra fields, then the answer is 400 naming each field', async () => {
    const r = await t.call('POST', '/hub/v1/enrol', {
      body: { code: 12345678, node: 'not-a-uuid', orgId: randomUUID(), depotCode: '', schema: '1', version: 'x', hubOrgId: randomUUID() },
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    const fields = (r.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.node', 'body.depotCode', 'body.depotName', 'body.schema', 'body']));
    const noBody = await t.call('POST', '/hub/v1/enrol');
    expect(noBody.status).toBe(400);
  });

  it('when the depot speaks another sync schema epoch, then it is refused with 410 and the code is not spent', async () => {
    const org = await t.org();
    const code = await issue(org);
    const r = await t.call('POST', '/hub/v1/enrol', { body: { ...enrolBody(code, randomUUID()), schema: SYNC_SCHEMA_EPOCH + 1 } });
    expect(r.status).toBe(410);
    expect(r.body).toMatchObject({ code: 'schema_incompatible', hubSchema: SYNC_SCHEMA_EPOCH });
    expect((await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, randomUUID()) })).status).toBe(200);
  });

  it('when a depot of another organization uses a bound org code, then it is refused with 409 and the code stays usable', async () => {
    const org = await t.org();
    const depotOrg = randomUUID();
    await t.call('POST', '/hub/v1/enrol', { body: enrolBody(await issue(org), depotOrg) });
    const code = await issue(org);
    const stranger = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, randomUUID()) });
    expect(stranger.status).toBe(409);
    expect(stranger.body).toMatchObject({ code: 'org_mismatch', replicaOrgId: depotOrg });
    expect(stranger.body.detail).toMatch(/not merged/);
    const bound = await su.query('SELECT replica_org_id FROM hub_orgs WHERE id = $1', [org.orgId]);
    expect(bound.rows[0].replica_org_id).toBe(depotOrg);
    expect((await t.call('POST', '/hub/v1/enrol', { body: enrolBody(code, depotOrg) })).status).toBe(200);
  });

  it('when a depot whose org another hub org replicates enrols with a new org code, then it is refused and the new org stays unbound', async () => {
    const first = await t.org();
    const depotOrg = randomUUID();
    await t.call('POST', '/hub/v1/enrol', { body: enrolBody(await issue(first), depotOrg) });
    const second = await t.org();
    const r = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(await issue(second), depotOrg) });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('org_enrolled_elsewhere');
    expect((await su.query('SELECT replica_org_id FROM hub_orgs WHERE id = $1', [second.orgId])).rows[0].replica_org_id).toBeNull();
  });

  it('when the same node enrols again with a new code, then its old credential stops working and the new one works', async () => {
    const org = await t.org();
    const depotOrg = randomUUID();
    const node = randomUUID();
    const first = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(await issue(org), depotOrg, node) });
    const second = await t.call('POST', '/hub/v1/enrol', {
      body: { ...enrolBody(await issue(org), depotOrg, node), depotName: 'North (new PC)' },
    });
    expect(second.status).toBe(200);
    expect(second.body.credential).not.toBe(first.body.credential);
    expect((await t.call('GET', '/hub/v1/probe/node', { token: first.body.credential })).status).toBe(401);
    expect((await t.call('GET', '/hub/v1/probe/node', { token: second.body.credential })).status).toBe(200);
    const rows = await su.query('SELECT depot_name FROM nodes WHERE id = $1', [node]);
    expect(rows.rows).toEqual([{ depot_name: 'North (new PC)' }]);
  });

  it('when a depot sends a forged orgId in a body, then the org still comes from its credential', async () => {
    const a = await t.org();
    const b = await t.org();
    const enrolled = await t.call('POST', '/hub/v1/enrol', { body: enrolBody(await issue(a), randomUUID()) });
    const r = await t.call('POST', '/hub/v1/probe/node', { token: enrolled.body.credential, body: { orgId: b.orgId, hubOrgId: b.orgId } });
    expect(r.status).toBe(200);
    expect(r.body.auth.orgId).toBe(a.orgId);
  });
});
