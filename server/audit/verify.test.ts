import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditHash } from '../../db/audit-chain.js';
import { DB_FILE } from '../host.js';
import { systemCtx } from '../core/context.js';
import { mutate } from '../core/mutate.js';
import { expectRoleMatrix, roleTokens, secondOrg } from '../people/fixtures.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import type { Role } from '../../db/schema/index.js';

/**
 * The audit hash chain against a person holding the database file: every tampering goes through a
 * second connection to the real SQLite file (as a DB browser would), after dropping the triggers
 * that stop the application.
 */

let t: TestHost;
let admin: string;
let orgId: string;
let tokens: Record<Role, string>;

beforeAll(async () => {
  t = await startTestHost();
  ({ token: admin, orgId } = await t.setupOrg());
  tokens = await roleTokens(t, admin, 'chain');
});
afterAll(() => t.close());

interface Row {
  id: string;
  seq: number;
  action: string;
  at: number;
  hash: string;
  prev_hash: string;
}

/** A fresh org per scenario, with `n` audit rows of its own, so one test's damage stays in its org. */
async function orgWithAudit(n: number, name: string) {
  const org = await secondOrg(t, name);
  for (let i = 0; i < n; i++)
    mutate(systemCtx(t.host, org.orgId), 'test.note', (w) => w.audit('test.note', 'notes', `note-${i}`, null, { i }));
  await t.host.commits.durable();
  const rows = () =>
    t.host.sqlite
      .prepare('SELECT id, seq, action, at, hash, prev_hash FROM audit_log WHERE org_id = ? ORDER BY seq')
      .all(org.orgId) as Row[];
  return { ...org, rows };
}

/** What a person with the file does: their own connection, no triggers in the way. */
function tamper(sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(t.dataDir, DB_FILE));
  try {
    db.exec(
      'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DROP TRIGGER IF EXISTS audit_log_chained',
    );
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const verify = (token: string) => t.api('GET', '/api/v1/audit/verify', { token });

describe('audit chain verification', () => {
  it('when the application writes an audit row the old way, then the insert trigger refuses it', () => {
    expect(() =>
      t.host.sqlite
        .prepare("INSERT INTO audit_log (id, org_id, action, entity, entity_id, at) VALUES ('x', ?, 'a', 'b', 'c', 1)")
        .run(orgId),
    ).toThrow(/must be chained/);
  });

  it('when nothing was touched, then verify is ok and its head is the last audit row of the org', async () => {
    const org = await orgWithAudit(5, 'Untouched');
    const res = await verify(org.token);
    expect(res.status).toBe(200);
    // secondOrg's own writes (organization, admin, sign-in session) are audited too.
    const rows = org.rows();
    const last = rows.at(-1)!;
    expect(rows.length).toBeGreaterThan(5);
    expect(res.body).toMatchObject({
      ok: true,
      rowsChecked: rows.length,
      brokenRows: 0,
      firstBroken: null,
      head: { seq: rows.length, hash: last.hash, at: new Date(last.at).toISOString() },
    });
  });

  it('when an audit row is updated after dropping the trigger, then verify names that row and says it changed', async () => {
    const org = await orgWithAudit(6, 'Edited');
    const victim = org.rows()[4]!;
    tamper(`UPDATE audit_log SET after = '{"i":999}' WHERE id = ?`, victim.id);
    const res = await verify(org.token);
    expect(res.body).toMatchObject({
      ok: false,
      brokenRows: 1,
      firstBroken: { id: victim.id, seq: victim.seq, action: 'test.note', kind: 'changed', at: new Date(victim.at).toISOString() },
    });
    expect(res.body.firstBroken.reason).toMatch(/changed after it was written/);
  });

  it('when an audit row is deleted, then verify names the row after the gap and which position is missing', async () => {
    const org = await orgWithAudit(6, 'Deleted');
    const [gone, next] = [org.rows()[3]!, org.rows()[4]!];
    const total = org.rows().length;
    tamper('DELETE FROM audit_log WHERE id = ?', gone.id);
    const res = await verify(org.token);
    expect(res.body).toMatchObject({
      ok: false,
      rowsChecked: total - 1,
      brokenRows: 1,
      firstBroken: { id: next.id, seq: next.seq, kind: 'gap' },
    });
    expect(res.body.firstBroken.reason).toContain(`row ${gone.seq} is missing`);
  });

  it('when a row is slipped in between two rows without chain fields, then verify names it as unchained', async () => {
    const org = await orgWithAudit(4, 'Slipped');
    const [a, b] = [org.rows()[2]!, org.rows()[3]!];
    const total = org.rows().length;
    const forged = '01900000-0000-7000-8000-00000000f00d';
    tamper(
      "INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at) VALUES (?, ?, NULL, 'users.update', 'users', 'x', NULL, '{\"role\":\"admin\"}', NULL, ?)",
      forged,
      org.orgId,
      Math.floor((a.at + b.at) / 2),
    );
    const res = await verify(org.token);
    expect(res.body).toMatchObject({
      ok: false,
      brokenRows: 1,
      rowsChecked: total + 1,
      firstBroken: { id: forged, seq: null, action: 'users.update', kind: 'unchained' },
    });
  });

  it('when a forger inserts a self-consistent row in the middle and renumbers the rest, then verify names the row after it and the forged row', async () => {
    const org = await orgWithAudit(5, 'Forged');
    const rows = org.rows();
    const before = rows[3]!;
    const after = rows[4]!;
    const forged = {
      id: '01900000-0000-7000-8000-00000000beef',
      orgId: org.orgId,
      actorId: null,
      action: 'users.update',
      entity: 'users',
      entityId: 'x',
      before: null,
      after: '{"role":"admin"}',
      requestId: null,
      at: before.at,
      seq: before.seq + 1,
      prevHash: before.hash,
    };
    // Make room (two steps: the unique index is checked row by row), then insert with a correct hash of its own.
    tamper('UPDATE audit_log SET seq = -seq WHERE org_id = ? AND seq > ?', org.orgId, before.seq);
    tamper('UPDATE audit_log SET seq = 1 - seq WHERE org_id = ? AND seq < 0', org.orgId);
    tamper(
      'INSERT INTO audit_log (id, org_id, actor_id, action, entity, entity_id, before, after, request_id, at, seq, prev_hash, hash) VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, NULL, ?, ?, ?, ?)',
      forged.id,
      forged.orgId,
      forged.action,
      forged.entity,
      forged.entityId,
      forged.after,
      forged.at,
      forged.seq,
      forged.prevHash,
      auditHash(forged),
    );
    const res = await verify(org.token);
    expect(res.body).toMatchObject({ ok: false, firstBroken: { id: after.id, kind: 'link' } });
    expect(res.body.firstBroken.reason).toContain(forged.id);
  });

  it('when two orgs write interleaved and one is tampered with, then each chain verifies on its own', async () => {
    const a = await secondOrg(t, 'Interleaved A');
    const b = await secondOrg(t, 'Interleaved B');
    const count = (id: string) => t.host.sqlite.prepare('SELECT count(*) FROM audit_log WHERE org_id = ?').pluck().get(id) as number;
    const [baseA, baseB] = [count(a.orgId), count(b.orgId)];
    for (let i = 0; i < 10; i++) {
      for (const org of [a, b])
        mutate(systemCtx(t.host, org.orgId), 'test.note', (w) => w.audit('test.note', 'notes', `n-${i}`, null, { i }));
    }
    await t.host.commits.durable();
    const okA = (await verify(a.token)).body;
    const okB = (await verify(b.token)).body;
    expect([okA.ok, okA.rowsChecked, okB.ok, okB.rowsChecked]).toEqual([true, baseA + 10, true, baseB + 10]);
    expect(okA.head.hash).not.toBe(okB.head.hash);

    const victim = t.host.sqlite.prepare('SELECT id FROM audit_log WHERE org_id = ? AND seq = 5').pluck().get(a.orgId) as string;
    tamper("UPDATE audit_log SET action = 'test.other' WHERE id = ?", victim);
    expect((await verify(a.token)).body).toMatchObject({ ok: false, firstBroken: { id: victim, action: 'test.other' } });
    expect((await verify(b.token)).body).toMatchObject({ ok: true, rowsChecked: baseB + 10, head: okB.head });
  });

  it('when a mutation fails after writing audit rows in the same commit batch as others, then the chain stays whole and continues', async () => {
    const org = await orgWithAudit(1, 'Rolled back');
    const base = org.rows().length;
    const ctx = systemCtx(t.host, org.orgId);
    // All in one turn of the event loop: one group-commit batch, the middle mutation a rolled-back savepoint.
    mutate(ctx, 'test.note', (w) => w.audit('test.note', 'notes', 'kept-1', null, null));
    expect(() =>
      mutate(ctx, 'test.note', (w) => {
        w.audit('test.note', 'notes', 'lost-1', null, null);
        w.audit('test.note', 'notes', 'lost-2', null, null);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    mutate(ctx, 'test.note', (w) => w.audit('test.note', 'notes', 'kept-2', null, null));
    await t.host.commits.durable();
    const res = await verify(org.token);
    expect(res.body).toMatchObject({ ok: true, rowsChecked: base + 2, head: { seq: base + 2 } });
    expect(org.rows().map((r) => r.seq)).toEqual(Array.from({ length: base + 2 }, (_, i) => i + 1));
    expect(
      org
        .rows()
        .slice(-2)
        .map((r) => r.action),
    ).toEqual(['test.note', 'test.note']);
  });

  it("when another org's admin verifies, then it gets its own chain and nothing of this org's", async () => {
    const mine = (await verify(admin)).body;
    const other = await secondOrg(t, 'Outsider');
    const theirs = (await verify(other.token)).body;
    const theirCount = t.host.sqlite.prepare('SELECT count(*) FROM audit_log WHERE org_id = ?').pluck().get(other.orgId) as number;
    expect(theirs).toMatchObject({ ok: true, rowsChecked: theirCount, head: { seq: theirCount } });
    expect(mine.rowsChecked).toBeGreaterThan(theirCount);
    expect(theirs.head.hash).not.toBe(mine.head.hash);
    const ids = t.host.sqlite.prepare('SELECT id FROM audit_log WHERE org_id = ?').pluck().all(orgId) as string[];
    for (const id of ids) expect(JSON.stringify(theirs)).not.toContain(id);
  });

  it('when each role asks to verify, then only admins may', async () => {
    await expectRoleMatrix(tokens, ['admin'], (token) => verify(token));
  });
});
