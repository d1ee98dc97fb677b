import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PushChange, PushMutation } from '../../sync/contract-protocol.js';
import { checkPermit, TABLE_PERMITS } from '../../sync/permits.js';
import { allPolicies } from '../../../db/schema/sync-policies.js';
import { conflictEventIdFor, FUTURE_FIELD_BYTES, FUTURE_FIELDS_MAX, HELD_FROM, hubHlc, mergeMutations, type MergeState } from './merge.js';
import { keyOf } from './rows.js';
import { hlc, mutation, setupChanges, workOrderInsert } from './testing.js';

const ORG = randomUUID();
const ADMIN = randomUUID();
const TECH = randomUUID();
const VIEWER = randomUUID();

function freshState(): MergeState {
  return { rows: new Map(), facts: new Map(), naturalKeys: new Map() };
}

/** A state with the org set up (admin, a technician, a viewer) by a first system mutation. */
function setUp(): MergeState {
  const state = freshState();
  const out = mergeMutations(state, ctx(0), [
    mutation({
      seq: 1,
      actorId: 'system:setup',
      action: 'org.setup',
      changes: setupChanges(ORG, ADMIN, [
        { id: TECH, role: 'technician' },
        { id: VIEWER, role: 'viewer' },
      ]),
    }),
  ]);
  expect(out.merged[0]!.result.outcome).toBe('applied');
  return state;
}

/** The hub's clock in these tests: later than every stamp they make, so none is from the future (hubHlc). */
const HUB_NOW = 1_900_000_000_000;
const ctx = (version: number) => ({ nodeId: randomUUID(), epoch: 1, now: HUB_NOW, version });
const run = (state: MergeState, ms: PushMutation[], version = 10) => mergeMutations(state, ctx(version), ms);
const field = (state: MergeState, t: string, r: string, f: string) => state.rows.get(keyOf(t, r))?.fields[f];
const update = (t: string, r: string, f: Record<string, unknown>): PushChange => ({ t, r, op: 'update', f });

describe('permits', () => {
  it('when a table travels (entity, append or batch), then it has a permit entry', () => {
    const travelling = allPolicies()
      .filter((p) => p.merge === 'entity' || p.merge === 'append' || p.merge === 'batch')
      .map((p) => p.table)
      .filter((t) => t !== 'audit_log'); // audit rows travel with their mutation, never as changes
    expect(travelling.filter((t) => !TABLE_PERMITS[t])).toEqual([]);
  });

  it('when a viewer writes a work order or a technician edits users, then the permit refuses; an admin passes', () => {
    expect(checkPermit('viewer', 'work_orders')?.code).toBe('forbidden');
    expect(checkPermit('technician', 'users')?.code).toBe('forbidden');
    expect(checkPermit('technician', 'work_orders', true)).toBeNull();
    expect(checkPermit('admin', 'organizations')).toBeNull();
    expect(checkPermit('admin', 'sessions')?.code).toBe('no_permit');
  });
});

describe('mergeMutations', () => {
  it('when two nodes write the same field, then the higher HLC wins in either arrival order and the loser gets the current value', () => {
    for (const order of ['older first', 'newer first']) {
      const state = setUp();
      const wo = randomUUID();
      run(state, [mutation({ seq: 2, actorId: ADMIN, hlc: hlc(2_000), changes: [workOrderInsert(wo, 'AVM-1')] })]);
      const older = mutation({ seq: 3, actorId: ADMIN, hlc: hlc(3_000, 'a'), changes: [update('work_orders', wo, { title: 'old' })] });
      const newer = mutation({ seq: 4, actorId: ADMIN, hlc: hlc(4_000, 'b'), changes: [update('work_orders', wo, { title: 'new' })] });
      const out = run(state, order === 'older first' ? [older, newer] : [newer, older]);
      expect(field(state, 'work_orders', wo, 'title')).toBe('new');
      const olderResult = out.merged.find((m) => m.mutation === older)!.result;
      expect(olderResult.outcome).toBe('applied');
      if (order === 'newer first') expect(olderResult.current).toEqual([{ t: 'work_orders', r: wo, f: { title: 'new' } }]);
    }
  });

  it('when two nodes write different fields of one row, then both are kept', () => {
    const state = setUp();
    const wo = randomUUID();
    run(state, [
      mutation({ seq: 2, actorId: ADMIN, hlc: hlc(2_000), changes: [workOrderInsert(wo, 'AVM-1')] }),
      mutation({ seq: 3, actorId: ADMIN, hlc: hlc(5_000, 'b'), changes: [update('work_orders', wo, { title: 'B' })] }),
      mutation({ seq: 4, actorId: ADMIN, hlc: hlc(3_000, 'a'), changes: [update('work_orders', wo, { description: 'A' })] }),
    ]);
    expect([field(state, 'work_orders', wo, 'title'), field(state, 'work_orders', wo, 'description')]).toEqual(['B', 'A']);
  });

  it('when a tombstone and a concurrent edit of another field meet, then both apply and the row stays deleted until a restore', () => {
    const state = setUp();
    const team = randomUUID();
    run(state, [
      mutation({
        seq: 2,
        actorId: ADMIN,
        hlc: hlc(2_000),
        changes: [{ t: 'teams', r: team, op: 'insert', f: { name: 'North', created_at: 1 } }],
      }),
      mutation({ seq: 3, actorId: ADMIN, hlc: hlc(4_000), changes: [update('teams', team, { deleted_at: 4_000, deleted_by: ADMIN })] }),
      mutation({ seq: 4, actorId: ADMIN, hlc: hlc(3_000), changes: [update('teams', team, { color: '#f00' })] }),
    ]);
    expect([field(state, 'teams', team, 'deleted_at'), field(state, 'teams', team, 'color')]).toEqual([4_000, '#f00']);
    run(state, [mutation({ seq: 5, actorId: ADMIN, hlc: hlc(6_000), changes: [{ t: 'teams', r: team, op: 'restore', f: null }] })]);
    expect(field(state, 'teams', team, 'deleted_at')).toBeNull();
  });

  it('when a row was hard-deleted at the hub, then a later update of it is a conflict and the depot is told it is gone', () => {
    const state = setUp();
    const wo = randomUUID();
    const share = randomUUID();
    const insert: PushChange = { t: 'share_links', r: share, op: 'insert', f: { work_order_id: wo, code_hint: 'ab', expires_at: 9 } };
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(wo, 'AVM-1')] })]);
    const out = run(state, [
      mutation({ seq: 3, actorId: ADMIN, hlc: hlc(3_000), changes: [insert] }),
      mutation({ seq: 4, actorId: ADMIN, hlc: hlc(4_000), changes: [{ t: 'share_links', r: share, op: 'delete', f: null }] }),
      mutation({ seq: 5, actorId: ADMIN, hlc: hlc(3_500), changes: [update('share_links', share, { expires_at: 10 })] }),
    ]);
    expect(out.merged.map((m) => m.result.outcome)).toEqual(['applied', 'applied', 'conflict']);
    expect(out.merged[2]!.result.current).toEqual([{ t: 'share_links', r: share, f: {}, gone: true }]);
    expect(state.rows.get(keyOf('share_links', share))?.gone).toBe(true);
  });

  it('when a status intent no longer applies, then the hub keeps its status, records a conflict and adds a sync_conflict event', () => {
    const state = setUp();
    const wo = randomUUID();
    const planned = { ...workOrderInsert(wo, 'AVM-1', 'SCHEDULED') };
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [planned] })]);
    const cancel = mutation({
      seq: 3,
      actorId: ADMIN,
      hlc: hlc(3_000, 'a'),
      changes: [update('work_orders', wo, { status: { from: 'SCHEDULED', to: 'CANCELLED', v: 2 } })],
    });
    const dispatch = mutation({
      seq: 4,
      actorId: ADMIN,
      hlc: hlc(4_000, 'b'),
      changes: [update('work_orders', wo, { status: { from: 'SCHEDULED', to: 'DISPATCHED', v: 2 }, title: 'kept' })],
    });
    const out = mergeMutations(state, { ...ctx(10), nodeId: 'node-b' }, [cancel, dispatch]);
    expect(field(state, 'work_orders', wo, 'status')).toBe('CANCELLED');
    const r = out.merged[1]!.result;
    expect([r.outcome, r.code, r.version]).toEqual(['conflict', 'stale_status', 12]);
    expect(r.current).toEqual([{ t: 'work_orders', r: wo, f: { status: 'CANCELLED' } }]);
    // The rest of the mutation still applies: only the stale move is not taken.
    expect(field(state, 'work_orders', wo, 'title')).toBe('kept');
    expect(out.conflicts).toMatchObject([{ code: 'stale_status', losing: { from: 'SCHEDULED', to: 'DISPATCHED' }, kept: 'CANCELLED' }]);
    const event = out.facts.find((f) => f.t === 'work_order_events');
    expect(event).toMatchObject({
      r: conflictEventIdFor(dispatch.id, 0),
      fields: { type: 'sync_conflict', work_order_id: wo, data: { node: 'node-b', mutationId: dispatch.id } },
    });
  });

  it('when a depot’s clock runs hours ahead, then its edit is ordered at the hub’s clock and a later edit from another depot still wins', () => {
    const now = 1_800_000_000_000;
    const state = setUp();
    const wo = randomUUID();
    const at = (nodeId: string) => ({ nodeId, epoch: 1, now, version: 10 });
    mergeMutations(state, at('a'), [mutation({ seq: 2, actorId: ADMIN, hlc: hlc(now - 1_000), changes: [workOrderInsert(wo, 'AVM-1')] })]);
    const ahead = mutation({
      seq: 3,
      actorId: ADMIN,
      hlc: hlc(now + 3 * 3600_000, 'fast'),
      changes: [update('work_orders', wo, { title: 'from the fast clock' })],
    });
    mergeMutations(state, at('fast'), [ahead]);
    expect(state.rows.get(keyOf('work_orders', wo))!.clocks.title).toBe(hlc(now, 'fast'));
    // A second later by the hub's clock another depot edits the same field: it wins.
    const later = mutation({
      seq: 2,
      actorId: ADMIN,
      hlc: hlc(now + 1_000, 'b'),
      changes: [update('work_orders', wo, { title: 'later, from B' })],
    });
    const out = mergeMutations(state, { ...at('b'), now: now + 1_000 }, [later]);
    expect(out.merged[0]!.result.current).toBeUndefined();
    expect(field(state, 'work_orders', wo, 'title')).toBe('later, from B');
    // A stamp from the past is taken as it is; one from the future keeps its counter and node.
    expect(hubHlc(hlc(now - 30_000, 'x'), now)).toBe(hlc(now - 30_000, 'x'));
    expect(hubHlc(hlc(now + 3_600_000, 'x', 7), now)).toBe(hlc(now, 'x', 7));
  });

  it('when a work order resumes from hold, then the hub lets it return only to the status it was held from', () => {
    const state = setUp();
    const wo = randomUUID();
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(wo, 'AVM-1', 'ON_SITE')] })]);
    const move = (seq: number, from: string, to: string) =>
      mutation({ seq, actorId: ADMIN, hlc: hlc(seq * 1_000), changes: [update('work_orders', wo, { status: { from, to, v: seq } })] });
    const out = run(state, [move(3, 'ON_SITE', 'ON_HOLD'), move(4, 'ON_HOLD', 'DISPATCHED'), move(5, 'ON_HOLD', 'ON_SITE')]);
    expect(out.merged.map((m) => [m.result.outcome, m.result.code ?? null])).toEqual([
      ['applied', null],
      ['refused', 'illegal_transition'],
      ['applied', null],
    ]);
    expect(field(state, 'work_orders', wo, 'status')).toBe('ON_SITE');
    expect(field(state, 'work_orders', wo, HELD_FROM)).toBeUndefined();
    // Hub-only: no version, so no pull or current value ever carries it.
    run(state, [move(6, 'ON_SITE', 'ON_HOLD')]);
    const row = state.rows.get(keyOf('work_orders', wo))!;
    expect([row.fields[HELD_FROM], row.versions[HELD_FROM]]).toEqual(['ON_SITE', undefined]);
  });

  it('when a transition is illegal or not for the actor role, then the mutation is refused and the next one still applies', () => {
    const state = setUp();
    const wo = randomUUID();
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(wo, 'AVM-1')] })]);
    const out = run(state, [
      mutation({ seq: 3, actorId: ADMIN, changes: [update('work_orders', wo, { status: { from: 'NEW', to: 'CLOSED', v: 1 } })] }),
      mutation({ seq: 4, actorId: TECH, changes: [update('work_orders', wo, { status: { from: 'NEW', to: 'SCHEDULED', v: 1 } })] }),
      mutation({ seq: 5, actorId: VIEWER, changes: [update('work_orders', wo, { title: 'viewer' })] }),
      mutation({ seq: 6, actorId: ADMIN, changes: [update('work_orders', wo, { status: { from: 'NEW', to: 'SCHEDULED', v: 1 } })] }),
    ]);
    expect(out.merged.map((m) => [m.result.outcome, m.result.code])).toEqual([
      ['refused', 'illegal_transition'],
      ['refused', 'forbidden'],
      ['refused', 'forbidden'],
      ['applied', undefined],
    ]);
    // A refusal takes no version: the applied one is the batch's first.
    expect(out.merged[3]!.result.version).toBe(11);
    expect(out.merged[2]!.result.current).toEqual([{ t: 'work_orders', r: wo, f: { title: 'Job AVM-1' } }]);
    expect(field(state, 'work_orders', wo, 'status')).toBe('SCHEDULED');
  });

  it('when a forged mutation names an unknown table, a local column, a wrong type or an actor of no org, then it is refused and changes nothing', () => {
    const state = setUp();
    const wo = randomUUID();
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(wo, 'AVM-1')] })]);
    const before = structuredClone([...state.rows]);
    const out = run(state, [
      mutation({ seq: 3, actorId: ADMIN, changes: [{ t: 'pg_authid', r: 'x', op: 'insert', f: { a: 1 } }] }),
      mutation({ seq: 4, actorId: ADMIN, changes: [update('work_orders', wo, { version: 99 })] }),
      mutation({ seq: 5, actorId: ADMIN, changes: [update('work_orders', wo, { title: 42 })] }),
      mutation({ seq: 6, actorId: ADMIN, changes: [update('work_orders', wo, { priority: 'urgent!!' })] }),
      mutation({ seq: 7, actorId: randomUUID(), changes: [update('work_orders', wo, { title: 'x' })] }),
      mutation({ seq: 8, actorId: 'system:import', changes: [update('users', TECH, { role: 'admin' })] }),
      mutation({ seq: 9, actorId: ADMIN, changes: [{ t: 'sessions', r: 'x', op: 'insert', f: {} }] }),
      mutation({
        seq: 10,
        actorId: ADMIN,
        changes: [update('work_orders', wo, { title: 'ok' }), update('work_orders', wo, { sla_paused_ms: 1 })],
      }),
    ]);
    expect(out.merged.map((m) => m.result.code)).toEqual([
      // Not a table of this release: a newer depot's, or a forgery; either way refused, and the depot told to upgrade the hub.
      'hub_outdated',
      'field_not_synced',
      'bad_value',
      'bad_value',
      'unknown_actor',
      'system_forbidden',
      'unknown_table',
      'field_not_synced',
    ]);
    expect([...state.rows]).toEqual(before);
    expect([out.dirtyRows.size, out.facts.length, out.version]).toEqual([0, 0, 10]);
  });

  it('when a newer depot sends a field this release has never had, then it is kept and merged like any field, within bounds', () => {
    const state = setUp();
    const wo = randomUUID();
    run(state, [
      mutation({
        seq: 2,
        actorId: ADMIN,
        changes: [{ ...workOrderInsert(wo, 'AVM-1'), f: { ...workOrderInsert(wo, 'AVM-1').f, crew_size: 2 } }],
      }),
    ]);
    expect(field(state, 'work_orders', wo, 'crew_size')).toBe(2);
    // Last writer wins on it as on any field; the older HLC loses.
    run(state, [mutation({ seq: 3, actorId: ADMIN, hlc: hlc(5_000), changes: [update('work_orders', wo, { crew_size: 3 })] })]);
    run(state, [mutation({ seq: 4, actorId: ADMIN, hlc: hlc(4_000), changes: [update('work_orders', wo, { crew_size: 9 })] })]);
    expect(field(state, 'work_orders', wo, 'crew_size')).toBe(3);
    const many = Object.fromEntries(Array.from({ length: FUTURE_FIELDS_MAX + 1 }, (_, i) => [`future_${i}`, i]));
    const out = run(state, [
      mutation({ seq: 5, actorId: ADMIN, changes: [update('work_orders', wo, many)] }),
      mutation({ seq: 6, actorId: ADMIN, changes: [update('work_orders', wo, { notes_v2: 'x'.repeat(FUTURE_FIELD_BYTES) })] }),
    ]);
    expect(out.merged.map((m) => [m.result.outcome, m.result.code])).toEqual([
      ['refused', 'hub_outdated'],
      ['refused', 'hub_outdated'],
    ]);
  });

  it('when a deactivated user made a change, then it is refused', () => {
    const state = setUp();
    run(state, [mutation({ seq: 2, actorId: ADMIN, changes: [update('users', TECH, { active: false })] })]);
    const out = run(state, [mutation({ seq: 3, actorId: TECH, changes: [workOrderInsert(randomUUID(), 'AVM-9')] })]);
    expect(out.merged[0]!.result).toMatchObject({ outcome: 'refused', code: 'inactive_actor', current: [{ gone: true }] });
  });

  it('when a fact arrives twice, then it is stored once; under the same id with other values it is refused', () => {
    const state = setUp();
    const wo = randomUUID();
    const ev = randomUUID();
    const event = (type: string): PushChange => ({
      t: 'work_order_events',
      r: ev,
      op: 'insert',
      f: { work_order_id: wo, type, at: 5 },
    });
    const out = run(state, [
      mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(wo, 'AVM-1'), event('created')] }),
      mutation({ seq: 3, actorId: ADMIN, changes: [event('created')] }),
      mutation({ seq: 4, actorId: ADMIN, changes: [event('edited')] }),
    ]);
    expect(out.merged.map((m) => m.result.outcome)).toEqual(['applied', 'applied', 'refused']);
    expect(out.facts.filter((f) => f.r === ev)).toHaveLength(1);
  });

  it('when two rows claim one natural key, then a unique key refuses the second and a conflict key keeps both with a conflict', () => {
    const state = setUp();
    const [a, b] = [randomUUID(), randomUUID()];
    const out = run(state, [
      mutation({ seq: 2, actorId: ADMIN, changes: [workOrderInsert(a, 'AVM-1')] }),
      mutation({ seq: 3, actorId: ADMIN, changes: [workOrderInsert(b, 'AVM-1')] }),
      mutation({ seq: 4, actorId: ADMIN, changes: [{ t: 'teams', r: a, op: 'insert', f: { name: 'North', created_at: 1 } }] }),
      mutation({ seq: 5, actorId: ADMIN, changes: [{ t: 'teams', r: b, op: 'insert', f: { name: 'North', created_at: 1 } }] }),
    ]);
    expect(out.merged.map((m) => [m.result.outcome, m.result.code])).toEqual([
      ['applied', undefined],
      ['refused', 'natural_key_taken'],
      ['applied', undefined],
      ['conflict', 'natural_key_conflict'],
    ]);
    expect([field(state, 'teams', a, 'name'), field(state, 'teams', b, 'name')]).toEqual(['North', 'North']);
  });

  it('when a batch change carries readings, then each row is kept by its local id; a row outside the range refuses the mutation', () => {
    const state = setUp();
    const dev = randomUUID();
    const reading = (id: number) => ({ id, device_id: dev, metric: 'temp', value: 4.5, at: id, received_at: id });
    const out = run(state, [
      mutation({ seq: 2, changes: [{ t: 'telemetry_readings', r: '1..2', op: 'batch', f: null, rows: [reading(1), reading(2)] }] }),
      mutation({ seq: 3, changes: [{ t: 'telemetry_readings', r: '3..3', op: 'batch', f: null, rows: [reading(7)] }] }),
    ]);
    expect(out.merged.map((m) => m.result.outcome)).toEqual(['applied', 'refused']);
    expect(out.batchRows.map((r) => r.localId)).toEqual([1, 2]);
  });
});

describe("a joining depot's own setup", () => {
  const joinCtx = (nodeIsNew: boolean) => ({ nodeId: randomUUID(), epoch: 1, now: HUB_NOW, version: 10, nodeIsNew });
  const newAdmin = (id: string): PushChange => ({
    t: 'users',
    r: id,
    op: 'insert',
    f: { email: 'north@example.test', name: 'North admin', role: 'admin', active: true, created_at: 2 },
  });
  const setupBy = (changes: PushChange[]) => mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes });

  it('when a new node pushes its setup first, then its new admin is added', () => {
    const state = setUp();
    const north = randomUUID();
    const out = mergeMutations(state, joinCtx(true), [setupBy([newAdmin(north)])]);
    expect(out.merged[0]!.result.outcome).toBe('applied');
    expect(field(state, 'users', north, 'role')).toBe('admin');
  });

  it('when the setup rewrites a user the org has, re-inserts one, or touches the org, then it is refused and nothing changes', () => {
    const attempts: PushChange[][] = [
      [update('users', ADMIN, { email: 'attacker@example.test' })],
      [newAdmin(TECH)],
      [newAdmin(randomUUID()), update('users', VIEWER, { role: 'admin' })],
      [update('organizations', ORG, { name: 'Taken over' })],
      [{ t: 'users', r: TECH, op: 'delete', f: null }],
    ];
    for (const changes of attempts) {
      const state = setUp();
      const before = structuredClone([...state.rows]);
      const out = mergeMutations(state, joinCtx(true), [setupBy(changes)]);
      expect(out.merged[0]!.result, JSON.stringify(changes)).toMatchObject({ outcome: 'refused', code: 'system_forbidden' });
      expect([...state.rows]).toEqual(before);
    }
  });

  it('when a node that pushed before sends a setup, or the setup is not its first mutation, then it is refused', () => {
    const state = setUp();
    const late = mergeMutations(state, joinCtx(false), [setupBy([newAdmin(randomUUID())])]);
    expect(late.merged[0]!.result.code).toBe('system_forbidden');
    const second = mergeMutations(state, joinCtx(true), [
      mutation({ seq: 1, actorId: ADMIN, changes: [workOrderInsert(randomUUID(), 'AVM-9')] }),
      mutation({ seq: 2, actorId: 'system:setup', action: 'org.setup', changes: [newAdmin(randomUUID())] }),
    ]);
    expect(second.merged.map((m) => m.result.outcome)).toEqual(['applied', 'refused']);
  });
});
