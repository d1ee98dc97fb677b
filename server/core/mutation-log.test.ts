import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v5 } from 'uuid';
import { depots, organizations, users, workOrders } from '../../db/schema/index.js';
import { createHost, DB_FILE, HLC_HIGH_KEY } from '../host.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { ManualClock } from './clock.js';
import { systemCtx, type Ctx } from './context.js';
import { newId } from './ids.js';
import { mutate } from './mutate.js';
import { MUTATION_KEY_NAMESPACE } from './mutation-log.js';

let t: TestHost;
let orgId: string;
let token: string;
let userId: string;

interface MutationRow {
  seq: number;
  id: string;
  org_id: string;
  epoch: number;
  hlc: string;
  action: string;
  actor_id: string | null;
  request_hash: string | null;
  audit_from: number | null;
  audit_to: number | null;
  at: number;
}
interface ChangeRow {
  mutation_seq: number;
  n: number;
  table_name: string;
  row_id: string;
  op: string;
  fields: string | null;
}

const lastMutation = () => t.host.sqlite.prepare('SELECT * FROM mutations ORDER BY seq DESC LIMIT 1').get() as MutationRow;
const changesOf = (seq: number) => t.host.sqlite.prepare('SELECT * FROM changes WHERE mutation_seq = ? ORDER BY n').all(seq) as ChangeRow[];
const fieldsOf = (c: ChangeRow | undefined) => (c?.fields ? (JSON.parse(c.fields) as Record<string, unknown>) : null);
const ctx = (): Ctx => systemCtx(t.host, orgId, 'log test');

beforeAll(async () => {
  t = await startTestHost();
  const admin = await t.setupOrg();
  token = admin.token;
  orgId = admin.orgId;
  userId = admin.userId;
});
afterAll(() => t.close());

function addDepot(code: string, c: Ctx = ctx()) {
  return mutate(c, 'depot.create', (w) => w.insert(depots, { code, name: `Depot ${code}`, timeZone: 'UTC' }));
}

describe('mutation headers', () => {
  it('when a request carries a UUID Idempotency-Key, then its mutation has one header with the key as id, the actor and the request hash', async () => {
    const key = newId();
    const before = t.host.sqlite.prepare('SELECT count(*) FROM mutations').pluck().get() as number;
    const res = await t.api('POST', '/api/v1/depots', {
      token,
      headers: { 'idempotency-key': key },
      body: { code: 'KEY', name: 'Keyed depot', timeZone: 'UTC' },
    });
    expect(res.status).toBe(201);
    expect(t.host.sqlite.prepare('SELECT count(*) FROM mutations').pluck().get()).toBe(before + 1);
    const m = lastMutation();
    expect(m).toMatchObject({ id: key, org_id: orgId, actor_id: userId, epoch: t.host.epoch });
    expect(m.request_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(changesOf(m.seq).map((c) => [c.n, c.table_name, c.row_id, c.op])).toEqual([[0, 'depots', res.body.id, 'insert']]);
  });

  it('when the key is not a UUID, then the id is derived from scope and key, and a second mutation of the request gets its own derived id', () => {
    const keyed: Ctx = { ...ctx(), mutationKey: { scope: 'scope-1', key: 'retry-me', requestHash: 'h', used: 0 } };
    addDepot('NK1', keyed);
    const first = lastMutation();
    addDepot('NK2', keyed);
    const second = lastMutation();
    const expected = v5('scope-1\nretry-me', MUTATION_KEY_NAMESPACE);
    expect(first.id).toBe(expected);
    expect(second.id).toBe(v5('1', expected));
    expect([first.actor_id, first.request_hash]).toEqual(['system:log test', 'h']);
  });

  it('when a mutation writes several rows, then it has one header and numbered changes under one stamp', () => {
    const seqBefore = lastMutation().seq;
    mutate(ctx(), 'depot.pair', (w) => {
      w.insert(depots, { code: 'P1', name: 'Pair one', timeZone: 'UTC' });
      w.insert(depots, { code: 'P2', name: 'Pair two', timeZone: 'UTC' });
    });
    const headers = t.host.sqlite.prepare('SELECT * FROM mutations WHERE seq > ?').all(seqBefore) as MutationRow[];
    expect(headers).toHaveLength(1);
    expect(headers[0]!.action).toBe('depot.pair');
    // The stamp lives on the header, so every change row of the mutation shares it by construction.
    expect(changesOf(headers[0]!.seq).map((c) => [c.n, fieldsOf(c)?.code])).toEqual([
      [0, 'P1'],
      [1, 'P2'],
    ]);
  });

  it('when a mutation writes nothing, then no header is logged', () => {
    const before = lastMutation().seq;
    mutate(ctx(), 'depot.read', () => 'nothing');
    expect(lastMutation().seq).toBe(before);
  });

  it('when a mutation writes rows and an extra audit entry, then its audit range is exactly the audit rows it wrote', () => {
    const head = t.host.sqlite.prepare('SELECT max(seq) FROM audit_log WHERE org_id = ?').pluck().get(orgId) as number;
    mutate(ctx(), 'depot.with_note', (w) => {
      const d = w.insert(depots, { code: 'AR', name: 'Audited', timeZone: 'UTC' });
      w.update(depots, d.id, { name: 'Audited twice' });
      w.audit('depot.note', 'depots', d.id, null, { why: 'test' });
    });
    const m = lastMutation();
    const written = t.host.sqlite.prepare('SELECT seq FROM audit_log WHERE org_id = ? AND seq > ? ORDER BY seq').pluck().all(orgId, head);
    expect(written).toEqual([head + 1, head + 2, head + 3]);
    expect([m.audit_from, m.audit_to]).toEqual([head + 1, head + 3]);
  });
});

describe('change rows', () => {
  it('when one field is updated, then the change row holds only that field with its new value', () => {
    const depot = addDepot('ONE');
    mutate(ctx(), 'depot.update', (w) => w.update(depots, depot.id, { name: 'Renamed' }));
    const rows = changesOf(lastMutation().seq);
    expect(rows.map((c) => [c.op, fieldsOf(c)])).toEqual([['update', { name: 'Renamed' }]]);
  });

  it('when a user is inserted, then the change row has no password hash and no key or local column', () => {
    mutate(ctx(), 'user.create', (w) =>
      w.insert(users, { email: 'secret@example.test', name: 'Secret Keeper', role: 'technician', passwordHash: 'scrypt$not-to-travel' }),
    );
    const [row] = changesOf(lastMutation().seq);
    expect(row!.table_name).toBe('users');
    expect(row!.fields).not.toContain('scrypt$');
    expect(Object.keys(fieldsOf(row)!)).toEqual(expect.arrayContaining(['email', 'name', 'role']));
    for (const gone of ['password_hash', 'id', 'org_id', 'version', 'updated_at']) expect(fieldsOf(row)).not.toHaveProperty(gone);
  });

  it('when a work order changes status, then the change row holds the intent {from, to, v} and no derived stamps', () => {
    const wo = mutate(ctx(), 'work_order.create', (w) =>
      w.insert(workOrders, {
        number: 'WO-LOG-1',
        seq: 1,
        title: 'Intent test',
        type: 'corrective',
        priority: 'medium',
        status: 'EN_ROUTE',
        requiredSkills: [],
        checklist: [{ id: 'a', label: 'Check' }],
        durationMin: 30,
      }),
    );
    const [created] = changesOf(lastMutation().seq);
    // JSON columns travel as JSON values, not as strings holding JSON.
    expect(fieldsOf(created)).toMatchObject({ status: 'EN_ROUTE', checklist: [{ id: 'a', label: 'Check' }], required_skills: [] });
    expect(fieldsOf(created)).not.toHaveProperty('priority_rank');
    mutate(ctx(), 'work_order.transition', (w) => w.update(workOrders, wo.id, { status: 'ON_SITE', respondedAt: 1_000 }));
    const [moved] = changesOf(lastMutation().seq);
    expect(fieldsOf(moved)).toEqual({ status: { from: 'EN_ROUTE', to: 'ON_SITE', v: 1 } });
  });

  it('when only a derived column changes, then no change row is written but the audit still records it', () => {
    const wo = t.host.sqlite.prepare("SELECT id FROM work_orders WHERE number = 'WO-LOG-1'").pluck().get() as string;
    mutate(ctx(), 'work_order.sla', (w) => w.update(workOrders, wo, { responseDueAt: 123_456 }));
    const m = lastMutation();
    expect(m.action).toBe('work_order.sla');
    expect(changesOf(m.seq)).toEqual([]);
    expect(m.audit_from).not.toBeNull();
  });

  it('when a row is deleted, then the change row is a delete without fields', () => {
    const depot = addDepot('DEL');
    mutate(ctx(), 'depot.delete', (w) => w.remove(depots, depot.id));
    expect(changesOf(lastMutation().seq).map((c) => [c.op, c.row_id, c.fields])).toEqual([['delete', depot.id, null]]);
  });

  it('when an organization is inserted, then its change row names it without repeating the id', () => {
    const other = newId();
    mutate(systemCtx(t.host, other), 'org.create', (w) =>
      w.insert(organizations, { id: other, name: 'Other', slug: 'other-log', timeZone: 'UTC' }),
    );
    const [row] = changesOf(lastMutation().seq);
    expect([row!.table_name, row!.row_id]).toEqual(['organizations', other]);
    expect(fieldsOf(row)).not.toHaveProperty('id');
  });
});

describe('setLocal', () => {
  it('when a local column is set, then neither the version, the audit nor the change log moves', () => {
    const depot = addDepot('LOC');
    const before = { seq: lastMutation().seq, audit: t.host.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() };
    const after = mutate(ctx(), 'depot.touch', (w) => w.setLocal(depots, depot.id, { updatedAt: 42 }));
    expect([after.updatedAt, after.version]).toEqual([42, depot.version]);
    expect({ seq: lastMutation().seq, audit: t.host.sqlite.prepare('SELECT count(*) FROM audit_log').pluck().get() }).toEqual(before);
  });

  it('when a synced column is passed to setLocal, then it refuses and nothing is written', () => {
    const depot = addDepot('LOC2');
    expect(() => mutate(ctx(), 'depot.touch', (w) => w.setLocal(depots, depot.id, { name: 'Sneaky' }))).toThrow(/name is 'synced'/);
    expect(t.host.sqlite.prepare('SELECT name FROM depots WHERE id = ?').pluck().get(depot.id)).toBe('Depot LOC2');
  });
});

describe('HLC high-water mark', () => {
  it('when the host restarts with its clock set back and its log compacted, then its next stamp still sorts after every stamp written before', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-hlc-'));
    const clock = new ManualClock(Date.parse('2026-11-16T09:00:00Z'));
    const first = createHost({ dataDir, clock });
    const org = newId();
    mutate(systemCtx(first, org), 'org.create', (w) => w.insert(organizations, { id: org, name: 'Clock', slug: 'clock', timeZone: 'UTC' }));
    for (let i = 0; i < 5; i++) {
      mutate(systemCtx(first, org), 'depot.create', (w) => w.insert(depots, { code: `C${i}`, name: `C${i}`, timeZone: 'UTC' }));
    }
    await first.commits.durable();
    const written = first.sqlite.prepare('SELECT hlc FROM mutations ORDER BY hlc DESC LIMIT 1').pluck().get() as string;
    const high = JSON.parse(first.sqlite.prepare('SELECT value FROM host_settings WHERE key = ?').pluck().get(HLC_HIGH_KEY) as string);
    expect(high).toBe(written);
    first.close();
    // The hub acknowledged everything and compaction emptied the log: only the mark remembers the stamps.
    const raw = new Database(path.join(dataDir, DB_FILE));
    raw.prepare('INSERT INTO change_compaction_gate (org_id, through_seq) VALUES (?, ?)').run(org, Number.MAX_SAFE_INTEGER);
    raw.exec('DELETE FROM changes; DELETE FROM mutations; DELETE FROM change_compaction_gate;');
    raw.close();

    // An hour back: without the persisted mark the restarted clock would stamp an hour in the past.
    const restarted = createHost({ dataDir, clock: new ManualClock(Date.parse('2026-11-16T08:00:00Z')) });
    try {
      const next = restarted.hlc.next();
      expect(next > written).toBe(true);
      expect(restarted.sqlite.prepare('SELECT reason FROM node_epochs WHERE epoch = ?').pluck().get(restarted.epoch)).toBe('first');
    } finally {
      restarted.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
