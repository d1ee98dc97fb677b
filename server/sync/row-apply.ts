import crypto from 'node:crypto';
import { appendAudit } from '../../db/audit-chain.js';
import type { Ctx } from '../core/context.js';
import { rowStatements, type RowStatements } from '../core/row-statements.js';
import type { WorkOrderRow } from '../work-orders/dto.js';
import type { Touched } from './apply-scope.js';
import { AppendRefusedError, applyAppendRow } from './apply-append.js';
import { deriveChangedWorkOrder, deriveNewWorkOrder, recomputeStockLevel, SlaLookups, StatusHistories } from './derived.js';
import type { PendingFields } from './pending.js';
import { checkValue, knownSyncTable, sameJson, SyncApplyError, travels, type SyncTable } from './sync-tables.js';
import { holdEntry, type HeldEntry } from './held-store.js';
import { conflictKeyTables, keySuffix, misplacedKeys } from './key-normalize.js';
import { Hlc } from '../core/hlc.js';

/** A row as the hub sends it (a pull row, or a push answer's `current`). */
export interface IncomingRow {
  t: string;
  r: string;
  f: Record<string, unknown>;
  /** HLC of intent fields (the status), so a transition is stamped at its own time. */
  c?: Record<string, string> | undefined;
  /** When the row last changed at the hub (ms), for updated_at; absent in push answers' current values. */
  u?: number | undefined;
  gone?: boolean | undefined;
}

export interface IncomingFact {
  t: string;
  r: string;
  f: Record<string, unknown>;
}

export interface ApplyCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  /** Rows or fields left alone because a local change to them is pending. */
  keptLocal: number;
  factsInserted: number;
  factsDuplicate: number;
  /** Rows kept beside another row with the same `conflict` natural key, under a suffixed key here. */
  keyConflicts: number;
  /** `table.column` (or `table`) names this release does not have (a newer hub or depot): held until an upgrade (held.ts). */
  heldColumns: string[];
  /** Rows and facts with fields held. */
  held: number;
}

/**
 * Columns a received row cannot carry (local or secret) but this depot's schema requires: what a row
 * from elsewhere holds here. An attachment's file is not on this depot until file sync exists; a share
 * link's code is known only where it was issued (a random hash that no code matches); a device's
 * serial settings are the port of the machine it is plugged into, so a remote device gets the defaults.
 */
const LOCAL_FILLS: Record<string, () => Record<string, unknown>> = {
  attachments: () => ({ storageKey: '' }),
  share_links: () => ({ codeHash: crypto.randomBytes(32).toString('hex') }),
  telemetry_devices: () => ({ serial: { baudRate: 9600, dataBits: 8, stopBits: 1, parity: 'none' } }),
};

/**
 * Writes the hub's rows into this depot inside a sync apply (apply-scope.ts): entity rows field by
 * field, facts once, audit rows onto this depot's own chain. Never the change log: these are not this
 * depot's mutations. Checks every table, column and value against the sync policy first, so a forged
 * body is refused (and its whole transaction rolled back) instead of half-applied.
 */
export class RowApplier {
  readonly counts: ApplyCounts = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    keptLocal: 0,
    keyConflicts: 0,
    factsInserted: 0,
    factsDuplicate: 0,
    heldColumns: [],
    held: 0,
  };
  /** Latest HLC seen in the hub's stamps, merged into the host clock at the end. */
  latestStamp: string | null = null;
  private readonly heldNames = new Set<string>();
  private readonly stockKeys = new Map<string, { depotId: string; itemId: string }>();
  private readonly now: number;
  private readonly sla: SlaLookups;
  private readonly histories: StatusHistories;

  constructor(
    private readonly ctx: Ctx,
    /** The org id rows carry across the organization (rows name it; they are stored under ctx.orgId). */
    private readonly replicaOrgId: string,
    private readonly pending: PendingFields,
    private readonly touched: Touched,
  ) {
    this.now = ctx.host.clock.now();
    this.sla = new SlaLookups(ctx);
    this.histories = new StatusHistories(ctx);
  }

  /** Reads the status histories of a page's work orders at once; call after the page's facts are applied. */
  loadHistories(workOrderIds: readonly string[]): void {
    this.histories.load(workOrderIds);
  }

  private statements(t: SyncTable): RowStatements {
    return rowStatements(this.ctx.host.sqlite, t.table, t.orgKey);
  }

  /**
   * The received fields by drizzle key, checked against the policy: a key column must name this row
   * and org; a column that does not travel (local, secret, derived) is refused; one this depot does
   * not know is skipped and reported.
   */
  private fieldsOf(
    t: SyncTable,
    rowId: string,
    f: Record<string, unknown>,
    where: string,
  ): { fields: Map<string, { key: string; value: unknown }>; unknown: Record<string, unknown> | null } {
    const out = new Map<string, { key: string; value: unknown }>();
    let unknown: Record<string, unknown> | null = null;
    for (const name of Object.keys(f)) {
      const value = f[name];
      const c = t.byName.get(name);
      if (!c) {
        (unknown ??= {})[name] = value;
        this.noteHeld(`${t.name}.${name}`);
        continue;
      }
      if (c.kind === 'key') {
        const expected = name === 'org_id' ? this.replicaOrgId : rowId;
        if (value !== expected)
          throw new SyncApplyError(`${t.name}.${name} is ${JSON.stringify(value)}, not this row's ${expected}.`, where);
        continue;
      }
      if (!travels(c))
        throw new SyncApplyError(
          `${t.name}.${name} is a '${c.kind}' column: it never travels, so a hub cannot send it.`,
          `${where}.f.${name}`,
        );
      checkValue(c, value, `${where}.f.${name}`, t.name);
      out.set(name, { key: c.key, value });
    }
    return { fields: out, unknown };
  }

  /** A row of a table this release does not have: held whole; a hard delete takes back what was held of it. */
  private holdUnknownTable(kind: 'row' | 'fact', incoming: IncomingRow | IncomingFact, where: string): void {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(incoming.t)) throw new SyncApplyError(`${incoming.t} is not a table name.`, `${where}.t`);
    if ('gone' in incoming && incoming.gone) return this.dropHeld(incoming.t, incoming.r);
    this.noteHeld(incoming.t);
    this.hold({ kind, t: incoming.t, r: incoming.r, f: incoming.f, c: 'c' in incoming ? incoming.c : undefined });
  }

  private hold(e: HeldEntry): void {
    holdEntry(this.ctx.host.sqlite, this.ctx.orgId, e, this.now);
    this.counts.held += 1;
  }

  private dropHeld(table: string, rowId: string): void {
    this.ctx.host.sqlite.prepare('DELETE FROM sync_held WHERE org_id = ? AND tbl = ? AND row_id = ?').run(this.ctx.orgId, table, rowId);
  }

  private noteHeld(label: string): void {
    if (this.heldNames.has(label)) return;
    this.heldNames.add(label);
    this.counts.heldColumns.push(label);
  }

  /** The id the row is stored under: the organization's row is this depot's own org row. */
  private localId(t: SyncTable, r: string, where: string): string {
    if (t.name !== 'organizations') return r;
    if (r !== this.replicaOrgId) throw new SyncApplyError(`organizations ${r} is not this organization (${this.replicaOrgId}).`, where);
    return this.ctx.orgId;
  }

  row(incoming: IncomingRow, where: string): void {
    const t = knownSyncTable(incoming.t);
    if (!t) return this.holdUnknownTable('row', incoming, where);
    if (t.policy.merge !== 'entity')
      throw new SyncApplyError(`${t.name}: its merge rule is '${t.policy.merge}', so its rows do not arrive as entity rows.`, `${where}.t`);
    const id = this.localId(t, incoming.r, `${where}.r`);
    const { fields, unknown } = this.fieldsOf(t, incoming.r, incoming.f, where);
    for (const stamp of Object.values(incoming.c ?? {})) this.seeStamp(stamp, where);
    if (incoming.gone) this.dropHeld(t.name, incoming.r);
    else if (unknown) this.hold({ kind: 'row', t: t.name, r: incoming.r, f: unknown, c: clocksOf(incoming.c, unknown) });
    if (this.pending.rowIsOurs(t.name, id)) {
      this.counts.keptLocal += 1;
      return;
    }
    const rows = this.statements(t);
    const existing = rows.find(id, this.ctx.orgId);
    if (incoming.gone) return this.remove(t, rows, id, existing);
    const ours = this.pending.columns(t.name, id);
    const set: Record<string, unknown> = {};
    for (const [name, { key, value }] of fields) {
      if (ours.has(name)) {
        this.counts.keptLocal += 1;
        continue;
      }
      if (!existing || !sameJson(existing[key], value)) set[key] = value;
    }
    const statusAt = this.statusTime(incoming);
    // Never later than now: a depot whose clock runs ahead must not date the row into this depot's future.
    const changedAt = Math.min(incoming.u ?? this.now, this.now);
    if (!existing) return this.insert(t, rows, id, set, statusAt, changedAt);
    if (Object.keys(set).length === 0) {
      this.counts.unchanged += 1;
      return;
    }
    if (t.name === 'work_orders') {
      const next = { ...existing, ...set } as WorkOrderRow;
      Object.assign(set, deriveChangedWorkOrder(this.ctx, existing as WorkOrderRow, next, statusAt, this.sla));
    }
    if ('version' in existing) set.version = (existing.version as number) + 1;
    // Fields of ours still waiting for the hub were edited here later than anything the hub had.
    if ('updatedAt' in existing) set.updatedAt = ours.size ? Math.max(changedAt, existing.updatedAt as number) : changedAt;
    this.keyed(t, id, set, () => rows.update(id, this.ctx.orgId, set), existing);
    this.afterWrite(t, id, { ...existing, ...set }, 'update');
    this.counts.updated += 1;
  }

  private insert(t: SyncTable, rows: RowStatements, id: string, set: Record<string, unknown>, statusAt: number, changedAt: number): void {
    const values: Record<string, unknown> = { ...LOCAL_FILLS[t.name]?.(), ...set, id };
    if (t.orgKey !== 'id') values[t.orgKey] = this.ctx.orgId;
    if (t.byName.has('version')) values.version = 1;
    if (t.byName.has('updated_at')) values.updatedAt = changedAt;
    if (t.name === 'work_orders') {
      // Defaults the work-order service would have written, for statusPatch and the SLA arithmetic.
      const draft = { slaPausedMs: 0, holdReason: null, ...values } as WorkOrderRow;
      Object.assign(values, deriveNewWorkOrder(this.ctx, draft, statusAt, this.sla, this.histories));
    }
    for (const c of t.columns)
      if (c.column.notNull && !c.column.hasDefault && c.column.generated === undefined && values[c.key] === undefined)
        throw new SyncApplyError(
          `${t.name} ${id}: this depot does not have the row, and the hub sent it without ${c.name}; a re-snapshot brings the whole row.`,
          `${t.name}.${c.name}`,
        );
    this.keyed(t, id, values, () => rows.add(values));
    this.afterWrite(t, id, values, 'insert');
    this.counts.inserted += 1;
  }

  /**
   * Runs a write of `values`; when it breaks a `conflict` natural key (two depots each created a team
   * "Alpha"), the hub keeps both rows and records the conflict for an admin (docs/sync.md), so this
   * depot keeps both too, and every replica must show the same pair whatever order the rows arrived
   * in: the row with the smaller id keeps the plain key, the other carries a suffix of its own id,
   * visible until someone renames one of them (that rename then travels like any edit). So a depot
   * whose own row loses renames it here, without sending anything: each replica reaches the same
   * names by the same rule (the convergence fuzz found replicas disagreeing when "later" meant
   * "arrived later"). A `unique` key cannot collide at the hub, so a clash there is a real problem:
   * refused with the row named, nothing applied.
   */
  private keyed(t: SyncTable, id: string, values: Record<string, unknown>, write: () => unknown, existing?: Record<string, unknown>): void {
    try {
      write();
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
      const nk = t.policy.naturalKey;
      const column =
        nk?.rule === 'conflict' ? nk.columns.map((n) => t.byName.get(n)).find((c) => c?.column.columnType === 'SQLiteText') : undefined;
      // An update need not name the key: a restore (deleted_at cleared) brings the row's own key back
      // into the unique index, where another live row may hold it by now.
      const whole = { ...existing, ...values };
      const current = column ? whole[column.key] : undefined;
      if (!nk || !column || typeof current !== 'string')
        throw new SyncApplyError(
          `${t.name} ${id}: ${(err as Error).message}; the hub's row clashes with one of this depot's.`,
          `${t.name}.${nk?.columns.join(',') ?? 'id'}`,
        );
      const holder = this.keyHolder(t, nk.columns, whole, id);
      if (holder && holder.id > id) {
        const set: Record<string, unknown> = { [column.key]: suffixed(current, holder.id) };
        if (typeof holder.version === 'number') set.version = holder.version + 1;
        this.statements(t).update(holder.id, this.ctx.orgId, set);
        this.afterWrite(t, holder.id, set, 'update');
      } else values[column.key] = suffixed(current, id);
      write();
      this.counts.keyConflicts += 1;
    }
  }

  /** The live row that holds the natural key `values` carry, or null when `values` does not name all of it. */
  private keyHolder(
    t: SyncTable,
    columns: readonly string[],
    values: Record<string, unknown>,
    id: string,
  ): { id: string; version?: number } | null {
    const keyValues = columns.map((n) => values[t.byName.get(n)?.key ?? '']);
    if (keyValues.some((v) => v === undefined)) return null;
    const orgColumn = t.orgKey === 'id' ? 'id' : 'org_id';
    const sql =
      `SELECT id${t.byName.has('version') ? ', version' : ''} FROM "${t.name}" WHERE "${orgColumn}" = ? AND id <> ?` +
      columns.map((n) => ` AND "${n}" = ?`).join('') +
      (t.tombstone ? ' AND deleted_at IS NULL' : '');
    return (
      (this.ctx.host.sqlite.prepare(sql).get(this.ctx.orgId, id, ...keyValues) as { id: string; version?: number } | undefined) ?? null
    );
  }

  /** Gone at the hub: a tombstone where the table has one, else a hard delete. */
  private remove(t: SyncTable, rows: RowStatements, id: string, existing: Record<string, unknown> | undefined): void {
    if (!existing) {
      this.counts.unchanged += 1;
      return;
    }
    if (t.tombstone) {
      if (existing.deletedAt !== null && existing.deletedAt !== undefined) {
        this.counts.unchanged += 1;
        return;
      }
      const set: Record<string, unknown> = { deletedAt: this.now };
      if ('version' in existing) set.version = (existing.version as number) + 1;
      if ('updatedAt' in existing) set.updatedAt = this.now;
      rows.update(id, this.ctx.orgId, set);
      this.afterWrite(t, id, { ...existing, ...set }, 'update');
    } else {
      this.ctx.host.sqlite
        .prepare(`DELETE FROM "${t.name}" WHERE id = ? AND "${t.byName.get('org_id') ? 'org_id' : 'id'}" = ?`)
        .run(id, this.ctx.orgId);
      this.afterWrite(t, id, existing, 'delete');
    }
    this.counts.removed += 1;
  }

  /** An append-only row: inserted once by id; the audit log's onto this depot's own hash chain. */
  fact(incoming: IncomingFact, where: string): void {
    const t = knownSyncTable(incoming.t);
    if (!t) return this.holdUnknownTable('fact', incoming, where);
    if (t.policy.merge !== 'append')
      throw new SyncApplyError(
        `${t.name}: its merge rule is '${t.policy.merge}'; only append-only rows arrive as facts (batch tables are not sent down).`,
        `${where}.t`,
      );
    const { fields, unknown } = this.fieldsOf(t, incoming.r, incoming.f, where);
    if (unknown) this.hold({ kind: 'fact', t: t.name, r: incoming.r, f: unknown });
    if (t.name === 'audit_log') return this.auditFact(incoming.r, fields, where);
    const row: Record<string, unknown> = { id: incoming.r, org_id: this.ctx.orgId };
    for (const [name, { value }] of fields) row[name] = value;
    let inserted: boolean;
    try {
      inserted = applyAppendRow(this.ctx.host.db, t.name, row);
    } catch (err) {
      if (err instanceof AppendRefusedError) throw new SyncApplyError(err.message, where);
      throw err;
    }
    if (!inserted) {
      this.counts.factsDuplicate += 1;
      return;
    }
    this.counts.factsInserted += 1;
    this.afterWrite(t, incoming.r, row, 'insert');
  }

  private auditFact(id: string, fields: Map<string, { key: string; value: unknown }>, where: string): void {
    const { sqlite } = this.ctx.host;
    if (sqlite.prepare('SELECT 1 FROM audit_log WHERE id = ?').get(id)) {
      this.counts.factsDuplicate += 1;
      return;
    }
    const get = (name: string) => fields.get(name)?.value ?? null;
    const text = (name: string) => {
      const v = get(name);
      return v === null ? null : JSON.stringify(v);
    };
    const required = (name: string) => {
      const v = get(name);
      if (v === null) throw new SyncApplyError(`audit_log ${id}: ${name} is required.`, `${where}.f.${name}`);
      return v;
    };
    appendAudit(sqlite, {
      id,
      orgId: this.ctx.orgId,
      actorId: get('actor_id') as string | null,
      action: required('action') as string,
      entity: required('entity') as string,
      entityId: required('entity_id') as string,
      before: text('before'),
      after: text('after'),
      requestId: get('request_id') as string | null,
      at: required('at') as number,
    });
    this.counts.factsInserted += 1;
    this.touched.tables.add('audit_log');
  }

  private afterWrite(t: SyncTable, id: string, row: Record<string, unknown>, op: 'insert' | 'update' | 'delete'): void {
    if (t.name === 'sla_policies' || t.name === 'sla_calendars') this.sla.clear();
    this.touched.tables.add(t.name);
    this.touched.changes.push({ table: t.name, id, op });
    if (t.name === 'stock_movements' || t.name === 'stock_levels') {
      const depotId = (row.depotId ?? row.depot_id) as string | undefined;
      const itemId = (row.itemId ?? row.item_id) as string | undefined;
      if (depotId && itemId) this.stockKeys.set(`${depotId}\n${itemId}`, { depotId, itemId });
    }
  }

  private statusTime(incoming: IncomingRow): number {
    const stamp = incoming.c?.status;
    return stamp ? Hlc.parse(stamp).wall : this.now;
  }

  private seeStamp(stamp: string, where: string): void {
    try {
      Hlc.parse(stamp);
    } catch {
      throw new SyncApplyError(`${stamp} is not an HLC stamp.`, `${where}.c`);
    }
    if (this.latestStamp === null || stamp > this.latestStamp) this.latestStamp = stamp;
  }

  /** Derived quantities of the stock levels the page moved (a level is the sum of its movements). */
  finish(): ApplyCounts {
    for (const { depotId, itemId } of this.stockKeys.values()) recomputeStockLevel(this.ctx.host.sqlite, this.ctx.orgId, depotId, itemId);
    this.normalizeKeys();
    return this.counts;
  }

  /** Puts every shared `conflict` key where the rule says, whoever freed or took it since (key-normalize.ts). */
  private normalizeKeys(): void {
    for (const { t, column } of conflictKeyTables()) {
      const c = t.byName.get(column)!;
      for (const move of misplacedKeys(this.ctx.host.sqlite, t, column, this.ctx.orgId)) {
        const set: Record<string, unknown> = { [c.key]: move.value };
        if (move.version !== null) set.version = move.version + 1;
        this.statements(t).update(move.id, this.ctx.orgId, set);
        this.afterWrite(t, move.id, set, 'update');
        this.counts.keyConflicts += 1;
      }
    }
  }
}

/** The intent stamps among held fields (a held status keeps its own time). */
function clocksOf(c: Record<string, string> | undefined, fields: Record<string, unknown>): Record<string, string> | undefined {
  if (!c) return undefined;
  const out = Object.fromEntries(Object.entries(c).filter(([k]) => k in fields));
  return Object.keys(out).length ? out : undefined;
}

/** The key a row keeps beside another that holds its plain key: its own id's last six characters. */
const suffixed = (key: string, id: string) => key + keySuffix(id);
