import type { Sqlite } from '../../db/client.js';

/**
 * Fields this depot changed that the hub has not acknowledged yet (docs/sync.md "Pull": such a field
 * is left alone; the push that carries it is merged at the hub, and its answer or a later page brings
 * the result). Read from the change log: every change of a mutation after the acknowledged seq.
 */
export class PendingFields {
  /** table → row id → DB column names, or 'row' when the whole row is ours (a pending hard delete). */
  private byTable: Map<string, Map<string, Set<string> | 'row'>> | null = null;

  /**
   * `wanted` names the rows the caller will ask about (`table\nrow id`): only their changes are parsed.
   * Read on first use, so an apply that asks nothing (facts only, an answer without `current`) never
   * scans the backlog.
   */
  constructor(
    private readonly sqlite: Sqlite,
    private readonly orgId: string,
    private readonly afterSeq: number,
    private readonly wanted: ReadonlySet<string>,
  ) {}

  private load(): Map<string, Map<string, Set<string> | 'row'>> {
    if (this.byTable) return this.byTable;
    const byTable = new Map<string, Map<string, Set<string> | 'row'>>();
    this.byTable = byTable;
    if (this.wanted.size === 0) return byTable;
    // The change log has no index by row: the unacknowledged tail is scanned (it is what a depot has
    // not pushed yet, normally small), and only the rows asked about are parsed.
    const rows = this.sqlite
      .prepare(
        `SELECT c.table_name AS t, c.row_id AS r, c.op, c.fields AS f
         FROM mutations m JOIN changes c ON c.mutation_seq = m.seq WHERE m.org_id = ? AND m.seq > ? AND c.op <> 'batch'`,
      )
      .raw()
      .all(this.orgId, this.afterSeq) as [string, string, string, string | null][];
    for (const [t, r, op, f] of rows) {
      if (!this.wanted.has(`${t}\n${r}`)) continue;
      let table = byTable.get(t);
      if (!table) byTable.set(t, (table = new Map()));
      const known = table.get(r);
      if (known === 'row') continue;
      if (op === 'delete' || f === null) {
        // A hard delete, or a tombstone op without fields: the row's state is ours until the hub answers.
        table.set(r, 'row');
        continue;
      }
      const columns = known ?? new Set<string>();
      for (const name of Object.keys(JSON.parse(f) as Record<string, unknown>)) columns.add(name);
      table.set(r, columns);
    }
    return byTable;
  }

  /** The row is wholly ours (pending delete): nothing of the hub's applies to it yet. */
  rowIsOurs(table: string, rowId: string): boolean {
    return this.load().get(table)?.get(rowId) === 'row';
  }

  /** Columns of the row with a pending local change (empty when none). */
  columns(table: string, rowId: string): ReadonlySet<string> {
    const found = this.load().get(table)?.get(rowId);
    return found === undefined || found === 'row' ? EMPTY : found;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
