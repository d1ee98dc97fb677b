import { and, eq, getTableName, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { appendAudit } from '../../db/audit-chain.js';
import { workOrderEvents } from '../../db/schema/index.js';
import type { ChangeOp } from '../../db/schema/history.js';
import type { WorkOrderStatus } from '../../db/schema/index.js';
import { ConflictError, NotFoundError, VersionConflictError } from '../errors.js';
import type { Ctx } from './context.js';
import type { ChangeMessage } from './change-bus.js';
import { newId } from './ids.js';
import { naturalIdFor } from '../ids/natural-key.js';
import { encodingOf } from './change-encoding.js';
import { writeMutation, type PendingChange } from './mutation-log.js';
import { rowStatements } from './row-statements.js';
import { insertJob, type JobRequest } from './outbox.js';

/** Any table the write path manages: an id, and (for org-owned rows) an org. */
export type ManagedTable = SQLiteTable & { id: SQLiteColumn; orgId?: SQLiteColumn };

/** Secrets that never reach the audit log, even hashed (the change log leaves them out by policy). */
const REDACTED_KEYS = ['passwordHash', 'tokenHash', 'codeHash'];

function redact(row: unknown): unknown {
  if (!row || typeof row !== 'object') return row ?? null;
  const copy: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const key of REDACTED_KEYS) if (key in copy) copy[key] = '[redacted]';
  return copy;
}

/** The fields that differ between two versions of a row, as [before, after] objects. */
function changedFields(before: unknown, after: unknown): [Record<string, unknown>, Record<string, unknown>] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (key === 'updatedAt') continue;
    const x = b[key];
    const y = a[key];
    const same = x === y || (typeof x === 'object' && typeof y === 'object' && JSON.stringify(x) === JSON.stringify(y));
    if (!same) {
      was[key] = x ?? null;
      now[key] = y ?? null;
    }
  }
  return [was, now];
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The column that ties a row to its org: `org_id`, or the id itself for the organizations table. */
function orgColumn(table: ManagedTable): SQLiteColumn {
  return table.orgId ?? table.id;
}
type Row<T extends ManagedTable> = InferSelectModel<T>;
type NewRow<T extends ManagedTable> = InferInsertModel<T>;
type Change = ChangeMessage['data']['changes'][number];
type AutoColumns = 'id' | 'orgId' | 'createdAt' | 'updatedAt' | 'version';
/** What a service supplies for a new row: everything but the columns the writer stamps itself. */
export type InsertValues<T extends ManagedTable> = { [K in keyof NewRow<T> as K extends AutoColumns ? never : K]: NewRow<T>[K] } & {
  id?: string;
};

function hasColumn(table: SQLiteTable, key: string): boolean {
  return key in table;
}

/**
 * The writer handed to a mutation. Each row write also records the audit entry and the change-log
 * entry, so a service cannot forget them; the whole mutation commits or rolls back as one.
 */
export class Writer {
  readonly changes: Change[] = [];
  readonly now: number;
  /** Change rows of this mutation, written with its header by finish(). */
  private readonly pending: PendingChange[] = [];
  private auditFrom: number | null = null;
  private auditTo: number | null = null;

  constructor(readonly ctx: Ctx) {
    this.now = ctx.host.clock.now();
  }

  private get db() {
    return this.ctx.host.db;
  }

  /** Prepared statements for `table` (server/core/row-statements.ts): the hot path skips drizzle's query builder. */
  private rows(table: ManagedTable) {
    return rowStatements(this.ctx.host.sqlite, table, table.orgId ? 'orgId' : 'id');
  }

  /** Reads a row of this org inside the transaction; another org's id is "not found". */
  find<T extends ManagedTable>(table: T, id: string): Row<T> | undefined {
    return this.rows(table).find(id, this.ctx.orgId) as Row<T> | undefined;
  }

  get<T extends ManagedTable>(table: T, id: string, entity: string = getTableName(table)): Row<T> {
    const row = this.find(table, id);
    if (!row) throw new NotFoundError(entity, id);
    return row;
  }

  insert<T extends ManagedTable>(table: T, values: NoInfer<InsertValues<T>>): Row<T> {
    // Rows with a same-row natural key get an id derived from it, so two depots name the same row.
    const id = naturalIdFor(getTableName(table), this.ctx.orgId, values) ?? newId();
    const full: Record<string, unknown> = { id, ...values };
    if (table.orgId) full.orgId = this.ctx.orgId;
    if (hasColumn(table, 'createdAt')) full.createdAt = this.now;
    if (hasColumn(table, 'updatedAt')) full.updatedAt = this.now;
    if (hasColumn(table, 'version')) full.version = 1;
    const row = this.rows(table).insert(full) as Row<T>;
    this.record(table, 'insert', row.id as string, null, row);
    return row;
  }

  /**
   * Updates one row of this org. `expectedVersion` (from If-Match) makes a concurrent edit fail
   * with 409 instead of silently overwriting someone else's change.
   */
  update<T extends ManagedTable>(
    table: T,
    id: string,
    patch: NoInfer<Partial<NewRow<T>>>,
    opts: {
      expectedVersion?: number | undefined;
      before?: NoInfer<Row<T>>;
      /** The audit's verb when the update means more than an edit (a tombstone is a `delete`, its undo a `restore`). */
      auditAs?: 'delete' | 'restore';
    } = {},
  ): { before: Row<T>; after: Row<T> } {
    const before = opts.before ?? this.get(table, id);
    const set: Record<string, unknown> = { ...patch };
    delete set.id;
    delete set.orgId;
    delete set.createdAt;
    if (hasColumn(table, 'version')) {
      const current = (before as { version: number }).version;
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== current) {
        throw new VersionConflictError(
          `This ${getTableName(table)} was changed by someone else (you had version ${opts.expectedVersion}, it is now ${current}). Reload and try again.`,
          { currentVersion: current },
        );
      }
      set.version = current + 1;
    }
    if (hasColumn(table, 'updatedAt')) set.updatedAt = this.now;
    const after = this.rows(table).update(id, this.ctx.orgId, set) as Row<T> | undefined;
    if (!after) throw new NotFoundError(getTableName(table), id);
    this.record(table, 'update', id, before, after, opts.auditAs);
    return { before, after };
  }

  remove<T extends ManagedTable>(table: T, id: string): Row<T> {
    const before = this.get(table, id);
    try {
      this.db
        .delete(table)
        .where(and(eq(table.id, id), eq(orgColumn(table), this.ctx.orgId)))
        .run();
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new ConflictError(
          'in_use',
          `This ${getTableName(table)} is still referenced by other records; retire it instead of deleting it.`,
        );
      }
      throw err;
    }
    this.record(table, 'delete', id, before, null);
    return before;
  }

  /** Appends to a work order's timeline (the domain event); the event row itself goes to the change log too. */
  event(workOrderId: string, type: string, detail: { from?: WorkOrderStatus | null; to?: WorkOrderStatus | null; data?: unknown } = {}) {
    const row = this.rows(workOrderEvents).insert({
      id: newId(),
      orgId: this.ctx.orgId,
      workOrderId,
      type,
      fromStatus: detail.from ?? null,
      toStatus: detail.to ?? null,
      actorId: this.ctx.actor.userId,
      at: this.now,
      data: detail.data ?? null,
    }) as InferSelectModel<typeof workOrderEvents>;
    this.log('work_order_events', row.id, 'insert', encodingOf('work_order_events').insert(row));
    this.changes.push({ table: 'work_order_events', id: row.id, op: 'insert' });
    return row;
  }

  /**
   * Queues background work caused by this mutation (server/jobs/): the job row commits or rolls back
   * with it. Returns the job id, or null when that kind and key was queued before. Prefer a job kind's
   * typed `enqueue` (server/jobs/kind.ts), which checks the payload first.
   */
  enqueue(job: JobRequest): string | null {
    const id = insertJob(this.ctx.host.sqlite, this.ctx.orgId, this.now, job);
    if (id) this.changes.push({ table: 'jobs', id, op: 'insert' });
    return id;
  }

  /**
   * Writes columns that never travel (policy `local` or `derived`: counters such as share-link
   * opens, report job state) without a version bump, an audit entry or a change row: such a write
   * is not an edit anyone made, and a receiver never sees it. Realtime clients still hear of it.
   * Any other column is a programming error: it would change data without the log knowing.
   */
  setLocal<T extends ManagedTable>(table: T, id: string, values: NoInfer<Partial<NewRow<T>>>): Row<T> {
    const name = getTableName(table);
    const kinds = encodingOf(name).kinds;
    for (const key of Object.keys(values)) {
      const kind = kinds.get(key);
      if (kind !== 'local' && kind !== 'derived') {
        throw new Error(`setLocal(${name}): column ${key} is '${kind ?? 'unknown'}', not local or derived; write it with update()`);
      }
    }
    const after = this.db
      .update(table)
      .set(values as Partial<NewRow<T>>)
      .where(and(eq(table.id, id), eq(orgColumn(table), this.ctx.orgId)))
      .returning()
      .get() as Row<T> | undefined;
    if (!after) throw new NotFoundError(name, id);
    this.changes.push({ table: name, id, op: 'update' });
    return after;
  }

  private record(table: SQLiteTable, op: Change['op'], id: string, before: unknown, after: unknown, auditAs?: string) {
    const name = getTableName(table);
    const encoding = encodingOf(name);
    if (op === 'update') {
      // One diff for both: the audit keeps every changed field, the change row the travelling ones.
      const [was, now] = changedFields(before, after);
      this.audit(`${name}.${auditAs ?? op}`, name, id, was, now);
      if (encoding.travels) {
        const fields = encoding.update(was, now, (before as { version?: unknown }).version);
        // Nothing that travels changed (only a derived or local column): no change row to send.
        if (fields !== null) this.log(name, id, 'update', fields);
      }
    } else {
      this.audit(`${name}.${op}`, name, id, before, after);
      if (encoding.travels) this.log(name, id, op, op === 'insert' ? encoding.insert(after as Record<string, unknown>) : null);
    }
    this.changes.push({ table: name, id, op });
  }

  /**
   * An extra audit entry for context a row cannot hold (e.g. why stock was adjusted). Row writes
   * are audited automatically; call this only to say more.
   */
  audit(action: string, entity: string, entityId: string, before: unknown, after: unknown): void {
    // Chained to the org's previous audit row; the head is read inside this transaction, so a
    // mutation that rolls back takes its links with it.
    const { seq } = appendAudit(this.ctx.host.sqlite, {
      id: newId(),
      orgId: this.ctx.orgId,
      actorId: this.ctx.actor.userId,
      action,
      entity,
      entityId,
      before: jsonOrNull(redact(before)),
      after: jsonOrNull(redact(after)),
      requestId: this.ctx.requestId ?? null,
      at: this.now,
    });
    // One org, one synchronous transaction: the mutation's audit rows are a contiguous range.
    this.auditFrom ??= seq;
    this.auditTo = seq;
  }

  private log(table: string, rowId: string, op: ChangeOp, fields: string | null) {
    this.pending.push({ table, rowId, op, fields });
  }

  /**
   * Writes the mutation's header and change rows, if it wrote anything that is logged: called by
   * mutate() as the last step inside the transaction, so the header knows the audit range.
   */
  finish(action: string): void {
    if (this.pending.length === 0 && this.auditFrom === null) return;
    writeMutation(this.ctx, { action, at: this.now, auditFrom: this.auditFrom, auditTo: this.auditTo, changes: this.pending });
  }
}

/**
 * The one write path (DESIGN invariant 1). Runs `fn` as one atomic unit (no await inside:
 * better-sqlite3 transactions are synchronous) — a throw anywhere rolls back its rows, events,
 * audit and change log — and, only after COMMIT, tells realtime clients which tables changed.
 * Commits are grouped per event-loop turn (see GroupCommit); acknowledge a write to a client only
 * after `await ctx.host.commits.durable()` (the HTTP layer does this for every route).
 */
export function mutate<T>(ctx: Ctx, action: string, fn: (w: Writer) => T, extra: Record<string, unknown> = {}): T {
  const { host } = ctx;
  let writer!: Writer;
  const result = host.commits.run(() => {
    writer = new Writer(ctx);
    const out = fn(writer);
    writer.finish(action);
    return out;
  });
  host.metrics.mutations.inc({ action });
  if (writer.changes.length > 0) {
    const message: ChangeMessage = {
      type: action,
      orgId: ctx.orgId,
      data: { tables: [...new Set(writer.changes.map((c) => c.table))], changes: writer.changes, ...extra },
      at: new Date(writer.now).toISOString(),
    };
    host.commits.onCommitted(() => host.bus.publish(message));
  }
  return result;
}
