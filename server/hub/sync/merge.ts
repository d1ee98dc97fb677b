import { v5 } from 'uuid';
import { ROLES, WORK_ORDER_STATUSES, type Role, type WorkOrderStatus } from '../../../db/schema/index.js';
import type { CurrentRow, PushAudit, PushChange, PushMutation, PushResult } from '../../sync/contract-protocol.js';
import { checkPermit, SYSTEM_FORBIDDEN_TABLES } from '../../sync/permits.js';
import { ruleFor } from '../../work-orders/lifecycle.js';
import { AppError } from '../../errors.js';
import { hubTable, tableOfThisRelease, valueProblem, type HubTable } from './catalogue.js';
import { cloneRow, emptyRow, keyOf, sameJson, type Fields, type HubRow } from './rows.js';

/**
 * The merge of one push batch against the hub's current rows (docs/sync.md, "Merge rules"), pure:
 * the caller loads what the batch touches (load.ts), this decides every mutation's result in order
 * and the final state of every row it changed, and the caller writes that set-based (write.ts).
 *
 * A mutation is all or nothing: its changes are staged and either all kept or all dropped with a
 * `refused` result, which never stops the mutations after it.
 */

export interface MergeState {
  /** Current rows the batch names, and every `users` row of the org (the actors). Updated in place. */
  rows: Map<string, HubRow>;
  /** Current facts the batch names (by keyOf). Updated in place. */
  facts: Map<string, Fields>;
  /** Live row ids by natural key (`naturalKeyOf`), for the tables whose rule is `unique` or `conflict`. */
  naturalKeys: Map<string, Set<string>>;
}

export interface MergeContext {
  nodeId: string;
  epoch: number;
  now: number;
  /** The org's version before this batch; each applied (or conflicting) mutation takes the next. */
  version: number;
  /**
   * The node has never pushed before: its first mutation may be its own first-run setup (a depot
   * that joined at setup creates its depot and its admin as a system job; the enrolment code a hub
   * admin issued is what allowed that depot in).
   */
  nodeIsNew?: boolean;
}

/** The depot's first-run setup (server/auth/service.ts setup): the only system job that creates users once the org has some. */
const SETUP_ACTION = 'org.setup';
const SETUP_ACTOR = 'system:setup';

export interface FactWrite {
  t: string;
  r: string;
  fields: Fields;
  version: number;
}

export interface BatchRowWrite {
  t: string;
  localId: number;
  fields: Fields;
  version: number;
}

export interface ConflictWrite {
  id: string;
  mutationId: string;
  t: string;
  r: string;
  field: string | null;
  code: string;
  losing: unknown;
  kept: unknown;
}

export interface MergedMutation {
  mutation: PushMutation;
  result: PushResult;
}

export interface MergeOutput {
  merged: MergedMutation[];
  /** Keys (keyOf) of rows whose final state in `state.rows` must be written. */
  dirtyRows: Set<string>;
  facts: FactWrite[];
  batchRows: BatchRowWrite[];
  conflicts: ConflictWrite[];
  version: number;
}

/**
 * The status a work order was put on hold from, which only the hub's own transitions know (the
 * depot's held_from_status is derived and never travels): kept in the row's fields under a name no
 * column can have, with no version, so pulls and current values never carry it. A resume from hold
 * must return there (the lifecycle's 'heldFrom' rule); unknown (a row first seen on hold) allows any.
 */
export const HELD_FROM = '~held_from_status';

/**
 * A depot whose clock runs hours ahead stamps its edits hours ahead; taken as sent, they would beat
 * every later edit of the same field from the other depots until real time caught up, each of those
 * reverted everywhere with no conflict to show for it. An edit cannot have happened after it reached
 * the hub, so the hub orders a stamp from the future at its own clock, keeping the stamp's counter and
 * node so ties still break the same way; the mutation keeps its own stamp in the applied record and
 * the audit. A depot then pulls the value and its next edit, made later, wins as it should.
 */
export function hubHlc(hlc: string, now: number): string {
  const at = hlc.indexOf(':');
  const wall = Number(hlc.slice(0, at));
  return Number.isFinite(wall) && wall > now ? `${String(now).padStart(at, '0')}${hlc.slice(at)}` : hlc;
}

/** Namespace of the ids the hub derives (conflict rows, sync_conflict events): never change it. */
export const HUB_ID_NAMESPACE = 'f1d7a0f2-5a57-4c0b-9a55-2f0d3c5e61b4';
export const conflictIdFor = (mutationId: string, n: number): string => v5(`conflict:${mutationId}:${n}`, HUB_ID_NAMESPACE);
export const conflictEventIdFor = (mutationId: string, n: number): string => v5(`sync_conflict:${mutationId}:${n}`, HUB_ID_NAMESPACE);

export function naturalKeyOf(table: string, columns: readonly string[], fields: Fields): string | null {
  const values = columns.map((c) => fields[c] ?? null);
  if (values.some((v) => v === null)) return null;
  return `${table}\u0000${JSON.stringify(values)}`;
}

/** Audit rows of a mutation travel beside its changes; the hub keeps them as `audit_log` facts. */
export function auditFields(a: PushAudit): Fields {
  return {
    actor_id: a.actorId,
    action: a.action,
    entity: a.entity,
    entity_id: a.entityId,
    before: a.before ?? null,
    after: a.after ?? null,
    request_id: a.requestId,
    at: a.at,
  };
}

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Actor = { kind: 'user'; id: string; role: Role } | { kind: 'system'; name: string };

const STATUSES: readonly string[] = WORK_ORDER_STATUSES;
const ROLE_SET: ReadonlySet<string> = new Set(ROLES);

/** One mutation's staged effects: committed into the state only if nothing in it is refused. */
class Stage {
  readonly rows = new Map<string, HubRow>();
  readonly facts: FactWrite[] = [];
  readonly factKeys = new Map<string, Fields>();
  readonly batchRows: BatchRowWrite[] = [];
  readonly conflicts: ConflictWrite[] = [];
  readonly current = new Map<string, CurrentRow>();
  conflictCode: string | null = null;
  conflictMessage: string | null = null;
  /** This mutation is a new node's own first-run setup (MergeContext.nodeIsNew). */
  ownSetup = false;

  constructor(
    readonly state: MergeState,
    readonly mutation: PushMutation,
    readonly version: number,
    /** The depot that sent the mutation, named in what it loses (a conflict's timeline entry). */
    readonly nodeId: string,
    /** The mutation's HLC as the hub orders it: never later than the hub's clock (hubHlc). */
    readonly hlc: string,
  ) {}

  peek(key: string): HubRow | undefined {
    return this.rows.get(key) ?? this.state.rows.get(key);
  }

  edit(key: string): HubRow {
    let row = this.rows.get(key);
    if (!row) {
      const base = this.state.rows.get(key);
      row = base ? cloneRow(base) : emptyRow();
      this.rows.set(key, row);
    }
    return row;
  }

  fact(key: string): Fields | undefined {
    return this.factKeys.get(key) ?? this.state.facts.get(key);
  }

  /** The hub's value of a field it did not take as sent, for the depot to write back. */
  keepCurrent(t: string, r: string, field: string, value: unknown): void {
    const key = keyOf(t, r);
    const entry = this.current.get(key) ?? { t, r, f: {} };
    entry.f[field] = value === undefined ? null : value;
    this.current.set(key, entry);
  }
}

function actorOf(state: MergeState, actorId: string | null, changes: readonly PushChange[], ownSetup: boolean): Actor {
  if (actorId === null) throw new Refusal('unknown_actor', 'The mutation names no actor.');
  if (actorId.startsWith('system:')) {
    const touchesForbidden = changes.some((c) => SYSTEM_FORBIDDEN_TABLES.has(c.t));
    // Two exceptions, both a beginning: the org's (the first depot's setup or demo seed creates the
    // org and its first users as a system job, and nobody could act at the hub before them), and a
    // joining depot's own setup as the first mutation it ever pushes (its admin and depot row).
    if (touchesForbidden && hasUsers(state) && !ownSetup) {
      throw new Refusal('system_forbidden', `A depot job (${actorId}) may not change users or the organization at the hub.`);
    }
    // A joining depot's setup adds its own admin; it may not rewrite anyone the org already has (a
    // holder of an enrolment code would otherwise take over an admin's sign-in) nor the org itself.
    if (touchesForbidden && hasUsers(state) && ownSetup) {
      const takeover = changes.find(
        (c) => SYSTEM_FORBIDDEN_TABLES.has(c.t) && (c.t !== 'users' || c.op !== 'insert' || state.rows.has(keyOf(c.t, c.r))),
      );
      if (takeover) {
        throw new Refusal(
          'system_forbidden',
          `A joining depot's setup may only add new users; it tried to ${takeover.op} ${takeover.t} ${takeover.r}.`,
        );
      }
    }
    return { kind: 'system', name: actorId.slice('system:'.length) };
  }
  const user = state.rows.get(keyOf('users', actorId));
  if (!user || user.gone) throw new Refusal('unknown_actor', `User ${actorId} is not a user of this organization at the hub.`);
  if (user.fields.active === false || user.fields.active === 0)
    throw new Refusal('inactive_actor', `User ${actorId} is deactivated; the hub takes no change made as them.`);
  const role = user.fields.role;
  if (typeof role !== 'string' || !ROLE_SET.has(role)) throw new Refusal('unknown_actor', `User ${actorId} has no valid role at the hub.`);
  return { kind: 'user', id: actorId, role: role as Role };
}

function hasUsers(state: MergeState): boolean {
  for (const [key, row] of state.rows) if (key.startsWith('users\u0000') && !row.gone) return true;
  return false;
}

function tableOf(name: string): HubTable {
  const table = hubTable(name);
  if (!table) {
    if (tableOfThisRelease(name)) throw new Refusal('unknown_table', `Table ${name} does not travel to the hub.`);
    // A whole new table cannot be kept blind (its merge rule is unknown here): say plainly what to do.
    throw new Refusal(
      'hub_outdated',
      `Table ${name} is not in this hub's release, so this change stays on the depot only: upgrade the hub to the depot's release.`,
    );
  }
  return table;
}

/** At most this many fields of a change from a newer release, each at most this many bytes of JSON. */
export const FUTURE_FIELDS_MAX = 16;
export const FUTURE_FIELD_BYTES = 4_096;

/**
 * A field this release does not have (docs/sync.md "Versions apart"). A column of ours that does not
 * travel is refused as ever; a name this release has never had is a newer depot's additive column: it
 * is kept and merged last-writer-wins like any field, and pulled by every depot (an older one holds it
 * until its upgrade, server/sync/held.ts), so nothing a newer depot writes is lost while the hub is
 * older. Its value cannot be type-checked here, so its count and size are bounded.
 */
function futureField(table: HubTable, name: string, value: unknown, nth: number): void {
  if (table.known.has(name)) throw new Refusal('field_not_synced', `${table.name}.${name} does not travel to the hub.`);
  if (nth > FUTURE_FIELDS_MAX)
    throw new Refusal(
      'hub_outdated',
      `${table.name}: more than ${FUTURE_FIELDS_MAX} fields this hub's release does not know; upgrade the hub to the depot's release.`,
    );
  if (JSON.stringify(value).length > FUTURE_FIELD_BYTES)
    throw new Refusal(
      'hub_outdated',
      `${table.name}.${name} is a field this hub's release does not know, and its value is over ${FUTURE_FIELD_BYTES} bytes; upgrade the hub to the depot's release.`,
    );
}

/** Checks every key and value of an entity change; returns the fields to merge (keys dropped). */
function checkedFields(table: HubTable, change: PushChange, op: 'insert' | 'update'): Fields {
  if (change.f === null) throw new Refusal('bad_change', `${table.name} ${change.r}: an ${op} must carry fields.`);
  const out: Fields = {};
  let future = 0;
  for (const [name, value] of Object.entries(change.f)) {
    if (name === 'id' || name === 'org_id') {
      // The row's identity is the change's r and the credential's org, never a field.
      if (name === 'id' && value !== change.r) throw new Refusal('bad_change', `${table.name} ${change.r}: id differs from the row id.`);
      continue;
    }
    const column = table.columns.get(name);
    if (!column) {
      futureField(table, name, value, ++future);
      out[name] = value;
      continue;
    }
    if (column.kind === 'intent' && op === 'update') {
      checkIntent(table, name, value);
    } else {
      const problem = valueProblem(column, value);
      if (problem) throw new Refusal('bad_value', `${table.name}.${name} ${problem}.`);
    }
    out[name] = value;
  }
  return out;
}

interface Intent {
  from: string | null;
  to: string;
}

function checkIntent(table: HubTable, name: string, value: unknown): Intent {
  const v = value as { from?: unknown; to?: unknown } | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    (v.from === null || (typeof v.from === 'string' && STATUSES.includes(v.from))) &&
    typeof v.to === 'string' &&
    STATUSES.includes(v.to);
  if (!ok) throw new Refusal('bad_value', `${table.name}.${name} must be a transition {from, to, v} between known statuses.`);
  return { from: v.from as string | null, to: v.to as string };
}

/** Last writer wins per field: takes what is newer by HLC, reports the rest as the hub's current value. */
function lww(stage: Stage, t: string, r: string, row: HubRow, fields: Fields): void {
  const { hlc } = stage;
  for (const [name, value] of Object.entries(fields)) {
    const clock = row.clocks[name];
    if (clock === undefined || hlc > clock) {
      row.fields[name] = value;
      row.clocks[name] = hlc;
      row.versions[name] = stage.version;
      row.version = stage.version;
    } else if (clock !== hlc || !sameJson(row.fields[name], value)) {
      stage.keepCurrent(t, r, name, row.fields[name]);
    }
  }
}

function applyIntent(stage: Stage, actor: Actor, t: string, r: string, row: HubRow, name: string, intent: Intent, n: number): void {
  const kept = row.fields[name];
  const m = stage.mutation;
  if (kept === undefined || kept === null) {
    // The hub never saw this row's status (a partial row): nothing to validate against, so take it.
    setField(stage, row, name, intent.to);
    if (t === 'work_orders' && name === 'status' && intent.to === 'ON_HOLD') row.fields[HELD_FROM] = intent.from;
    return;
  }
  if (kept === intent.to) return; // Both sides made the same move: nothing lost, nothing to change.
  if (intent.from !== kept) {
    stage.keepCurrent(t, r, name, kept);
    stage.conflictCode ??= 'stale_status';
    stage.conflictMessage ??= `The hub's ${t} ${r} is ${String(kept)}, not ${String(intent.from)}: the move to ${intent.to} no longer applies and was not taken.`;
    const losing = { from: intent.from, to: intent.to };
    stage.conflicts.push({ id: conflictIdFor(m.id, n), mutationId: m.id, t, r, field: name, code: 'stale_status', losing, kept });
    if (t === 'work_orders') {
      // A fact, so every depot shows the lost move in the work order's timeline.
      const id = conflictEventIdFor(m.id, n);
      const fields: Fields = {
        work_order_id: r,
        type: 'sync_conflict',
        from_status: null,
        to_status: null,
        actor_id: actor.kind === 'user' ? actor.id : null,
        at: m.at,
        data: { field: name, code: 'stale_status', losing, kept, mutationId: m.id, hlc: m.hlc, node: stage.nodeId },
      };
      stage.facts.push({ t: 'work_order_events', r: id, fields, version: stage.version });
      stage.factKeys.set(keyOf('work_order_events', id), fields);
    }
    return;
  }
  try {
    const who =
      actor.kind === 'user'
        ? { userId: actor.id, role: actor.role, name: actor.id }
        : { userId: null, role: 'system' as const, name: actor.name };
    // 'closure': the depot's closure endpoint already required the approval record that travels with it.
    const heldFrom = kept === 'ON_HOLD' ? ((row.fields[HELD_FROM] as WorkOrderStatus | undefined) ?? null) : null;
    ruleFor({ status: kept as WorkOrderStatus, heldFromStatus: heldFrom }, intent.to as WorkOrderStatus, who, 'closure');
  } catch (err) {
    if (err instanceof AppError) throw new Refusal(err.code, err.message);
    throw err;
  }
  setField(stage, row, name, intent.to);
  if (t === 'work_orders' && name === 'status') {
    if (intent.to === 'ON_HOLD') row.fields[HELD_FROM] = kept;
    else delete row.fields[HELD_FROM];
  }
}

function setField(stage: Stage, row: HubRow, name: string, value: unknown): void {
  row.fields[name] = value;
  // An intent is validated, not raced: its clock only says when the move happened (pull sends it as `c`).
  row.clocks[name] = stage.hlc;
  row.versions[name] = stage.version;
  row.version = stage.version;
}

function mergeEntity(stage: Stage, actor: Actor, table: HubTable, change: PushChange, n: number): void {
  const { t, r } = change;
  const key = keyOf(t, r);
  const before = stage.peek(key);
  if (change.op === 'batch') throw new Refusal('bad_change', `${t} is not a batch table.`);
  if (before?.gone) {
    if (change.op === 'delete') return;
    stage.current.set(key, { t, r, f: {}, gone: true });
    stage.conflictCode ??= 'row_deleted';
    stage.conflictMessage ??= `${t} ${r} was deleted at the hub; the change to it was not taken.`;
    stage.conflicts.push({
      id: conflictIdFor(stage.mutation.id, n),
      mutationId: stage.mutation.id,
      t,
      r,
      field: null,
      code: 'row_deleted',
      losing: change.f,
      kept: null,
    });
    return;
  }
  if (change.op === 'delete') {
    if (table.tombstones) throw new Refusal('bad_change', `${t} rows are deleted with a tombstone (deleted_at), not removed.`);
    const row = stage.edit(key);
    row.gone = true;
    row.version = stage.version;
    return;
  }
  if (change.op === 'restore') {
    if (!table.tombstones) throw new Refusal('bad_change', `${t} has no tombstones to restore.`);
    lww(stage, t, r, stage.edit(key), { deleted_at: null, deleted_by: null });
    return;
  }
  const fields = checkedFields(table, change, change.op);
  const row = stage.edit(key);
  const plain: Fields = {};
  for (const [name, value] of Object.entries(fields)) {
    const column = table.columns.get(name);
    if (column?.kind === 'intent' && change.op === 'update') {
      if (actor.kind === 'user') {
        const refusal = checkPermit(actor.role, t, true);
        if (refusal) throw new Refusal(refusal.code, refusal.message);
      }
      applyIntent(stage, actor, t, r, row, name, value as Intent, n);
    } else plain[name] = value;
  }
  lww(stage, t, r, row, plain);
  checkNaturalKey(stage, table, r, row, n);
}

function checkNaturalKey(stage: Stage, table: HubTable, r: string, row: HubRow, n: number): void {
  const nk = table.naturalKey;
  if (!nk || nk.rule === 'same-row') return; // same-row keys are deterministic ids: one row already.
  const key = naturalKeyOf(table.name, nk.columns, row.fields);
  if (key === null) return;
  const others = [...(stage.state.naturalKeys.get(key) ?? [])].filter((id) => id !== r && !stage.peek(keyOf(table.name, id))?.gone);
  if (others.length === 0) return;
  const value = nk.columns.map((c) => row.fields[c]).join(', ');
  if (nk.rule === 'unique') {
    throw new Refusal('natural_key_taken', `${table.name} ${nk.columns.join(', ')} "${value}" already names another row at the hub.`);
  }
  stage.conflictCode ??= 'natural_key_conflict';
  stage.conflictMessage ??= `${table.name} ${nk.columns.join(', ')} "${value}" is used by another row too; both are kept for an admin to resolve.`;
  stage.conflicts.push({
    id: conflictIdFor(stage.mutation.id, n),
    mutationId: stage.mutation.id,
    t: table.name,
    r,
    field: nk.columns.join(','),
    code: 'natural_key_conflict',
    losing: { rowId: r, value },
    kept: { rowIds: others },
  });
}

function mergeFact(stage: Stage, table: HubTable, change: PushChange): void {
  if (change.op !== 'insert') throw new Refusal('bad_change', `${table.name} is append-only: only inserts travel.`);
  const fields = checkedFields(table, change, 'insert');
  putFact(stage, change.t, change.r, fields);
}

function putFact(stage: Stage, t: string, r: string, fields: Fields): void {
  const key = keyOf(t, r);
  const existing = stage.fact(key);
  if (existing) {
    if (sameJson(existing, fields)) return;
    throw new Refusal('fact_differs', `${t} ${r} already exists at the hub with other values; a fact is never edited.`);
  }
  stage.facts.push({ t, r, fields, version: stage.version });
  stage.factKeys.set(key, fields);
}

function mergeBatchRows(stage: Stage, table: HubTable, change: PushChange): void {
  const range = /^(\d{1,15})\.\.(\d{1,15})$/.exec(change.r);
  if (change.op !== 'batch' || !range || !change.rows)
    throw new Refusal('bad_change', `${table.name} travels as batch ranges "a..b" with rows.`);
  const from = Number(range[1]);
  const to = Number(range[2]);
  for (const row of change.rows) {
    const localId = row.id;
    if (typeof localId !== 'number' || !Number.isInteger(localId) || localId < from || localId > to)
      throw new Refusal('bad_change', `${table.name} ${change.r}: a row's id is not an integer of the range.`);
    const fields: Fields = {};
    let future = 0;
    for (const [name, value] of Object.entries(row)) {
      if (name === 'id' || name === 'org_id') continue;
      const column = table.columns.get(name);
      if (!column) {
        futureField(table, name, value, ++future);
        fields[name] = value;
        continue;
      }
      const problem = valueProblem(column, value);
      if (problem) throw new Refusal('bad_value', `${table.name}.${name} ${problem}.`);
      fields[name] = value;
    }
    stage.batchRows.push({ t: table.name, localId, fields, version: stage.version });
  }
}

function mergeOne(stage: Stage): void {
  const m = stage.mutation;
  // PostgreSQL's text and jsonb cannot hold NUL: refuse it here rather than fail the whole batch's statement.
  if (JSON.stringify(m).includes('\\u0000')) throw new Refusal('bad_value', 'The mutation contains a NUL character.');
  const actor = actorOf(stage.state, m.actorId, m.changes, stage.ownSetup);
  m.changes.forEach((change, n) => {
    const table = tableOf(change.t);
    if (actor.kind === 'user') {
      const refusal = checkPermit(actor.role, change.t);
      if (refusal) throw new Refusal(refusal.code, refusal.message);
    }
    if (table.merge === 'entity') mergeEntity(stage, actor, table, change, n);
    else if (table.merge === 'append') mergeFact(stage, table, change);
    else mergeBatchRows(stage, table, change);
  });
  for (const a of m.audit) putFact(stage, 'audit_log', a.id, auditFields(a));
}

/** What the depot should write back for a refused mutation: the hub's values of what it sent, or gone. */
function refusedCurrent(state: MergeState, m: PushMutation): CurrentRow[] {
  const out = new Map<string, CurrentRow>();
  for (const c of m.changes) {
    const table = hubTable(c.t);
    if (!table || table.merge !== 'entity') continue;
    const key = keyOf(c.t, c.r);
    const row = state.rows.get(key);
    if (!row || row.gone) {
      out.set(key, { t: c.t, r: c.r, f: {}, gone: true });
      continue;
    }
    const entry = out.get(key) ?? { t: c.t, r: c.r, f: {} };
    const names = c.op === 'delete' ? Object.keys(row.fields) : c.op === 'restore' ? ['deleted_at', 'deleted_by'] : Object.keys(c.f ?? {});
    for (const name of names) if (table.columns.has(name)) entry.f[name] = row.fields[name] ?? null;
    out.set(key, entry);
  }
  return [...out.values()];
}

function commit(stage: Stage, out: MergeOutput): void {
  const { state } = stage;
  for (const [key, row] of stage.rows) {
    const [t, r] = [key.slice(0, key.indexOf('\u0000')), key.slice(key.indexOf('\u0000') + 1)];
    const nk = hubTable(t)?.naturalKey;
    if (nk && nk.rule !== 'same-row') {
      const old = state.rows.get(key);
      const was = old && !old.gone ? naturalKeyOf(t, nk.columns, old.fields) : null;
      const now = row.gone ? null : naturalKeyOf(t, nk.columns, row.fields);
      if (was !== now) {
        if (was) state.naturalKeys.get(was)?.delete(r);
        if (now) state.naturalKeys.set(now, (state.naturalKeys.get(now) ?? new Set()).add(r));
      }
    }
    state.rows.set(key, row);
    out.dirtyRows.add(key);
  }
  for (const [key, fields] of stage.factKeys) state.facts.set(key, fields);
  out.facts.push(...stage.facts);
  out.batchRows.push(...stage.batchRows);
  out.conflicts.push(...stage.conflicts);
}

/** Merges `mutations` (new ones, in seq order) into `state`; see the file comment. */
export function mergeMutations(state: MergeState, ctx: MergeContext, mutations: readonly PushMutation[]): MergeOutput {
  const out: MergeOutput = { merged: [], dirtyRows: new Set(), facts: [], batchRows: [], conflicts: [], version: ctx.version };
  mutations.forEach((m, i) => {
    const stage = new Stage(state, m, out.version + 1, ctx.nodeId, hubHlc(m.hlc, ctx.now));
    stage.ownSetup = ctx.nodeIsNew === true && i === 0 && m.action === SETUP_ACTION && m.actorId === SETUP_ACTOR;
    let result: PushResult;
    try {
      mergeOne(stage);
      out.version += 1;
      commit(stage, out);
      const current = [...stage.current.values()];
      result = {
        id: m.id,
        seq: m.seq,
        outcome: stage.conflictCode ? 'conflict' : 'applied',
        version: out.version,
        ...(stage.conflictCode ? { code: stage.conflictCode, message: (stage.conflictMessage ?? '').slice(0, 500) } : {}),
        ...(current.length ? { current } : {}),
      };
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      const current = refusedCurrent(state, m);
      result = {
        id: m.id,
        seq: m.seq,
        outcome: 'refused',
        code: err.code,
        message: err.message.slice(0, 500),
        ...(current.length ? { current } : {}),
      };
    }
    out.merged.push({ mutation: m, result });
  });
  return out;
}
