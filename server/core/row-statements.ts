import { Column, getTableColumns, getTableName, is, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Sqlite } from '../../db/client.js';
import { perConnection } from '../../db/per-connection.js';

type Statement = ReturnType<Sqlite['prepare']>;

interface Col {
  key: string;
  name: string;
  column: SQLiteColumn;
  /** A JS default drizzle would bind when the value is missing (SQL defaults are not used in our schema). */
  fallback: unknown;
  insertable: boolean;
  /** False when the column's mapFromDriverValue returns what it is given (plain text, integers, reals). */
  decodes: boolean;
}

/**
 * Prepared row reads and writes for the Writer's hot path (find by id, update by id, insert), built
 * once per table and column set. drizzle rebuilt each of these queries on every call (its builders
 * were 13 % of the host's CPU under the transition load, against 3.8 % for SQLite's own UPDATE).
 * Rows come back exactly as drizzle's: keyed by property name, each value through the column's
 * `mapFromDriverValue` (JSON, booleans); bound values go through `mapToDriverValue`, undefined
 * values are left out of an UPDATE and take the column's default in an INSERT, as drizzle does.
 * server/core/row-statements.test.ts compares both for every table.
 */
export class RowStatements {
  private readonly table: string;
  private readonly cols: Col[];
  private readonly byKey: Map<string, Col>;
  private readonly idName: string;
  private readonly orgName: string;
  private readonly selectList: string;
  private readonly keyList: string;
  private readonly findStmt: Statement;
  private readonly updates = new Map<string, Statement>();
  private insertStmt: Statement | null = null;
  private addStmt: Statement | null = null;
  private readonly insertable: Col[];

  constructor(
    private readonly sqlite: Sqlite,
    table: SQLiteTable,
    orgKey: string,
  ) {
    const name = getTableName(table);
    this.table = name;
    this.cols = Object.entries(getTableColumns(table)).map(([key, column]) => {
      const col = column as SQLiteColumn;
      if (is(col.default, SQL)) throw new Error(`${name}.${col.name}: SQL defaults are not supported by RowStatements`);
      return {
        key,
        name: col.name,
        column: col,
        fallback: col.default,
        insertable: col.generated === undefined,
        decodes: col.mapFromDriverValue !== Column.prototype.mapFromDriverValue,
      };
    });
    this.byKey = new Map(this.cols.map((c) => [c.key, c]));
    this.insertable = this.cols.filter((c) => c.insertable);
    this.idName = this.col('id').name;
    this.orgName = this.col(orgKey).name;
    this.keyList = this.cols.map((c) => c.key).join();
    this.selectList = this.cols.map((c) => `"${c.name}" AS "${c.key}"`).join(', ');
    this.findStmt = sqlite.prepare(`SELECT ${this.selectList} FROM "${name}" WHERE "${this.idName}" = ? AND "${this.orgName}" = ?`);
  }

  private col(key: string): Col {
    const c = this.byKey.get(key);
    if (!c) throw new Error(`${this.table} has no column ${key}`);
    return c;
  }

  private decode(row: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    if (!row) return undefined;
    for (const c of this.cols) {
      const v = row[c.key];
      if (v !== null && v !== undefined) row[c.key] = c.column.mapFromDriverValue(v);
    }
    return row;
  }

  /**
   * The rows of a drizzle `select()` of this whole table, decoded as find() decodes them. drizzle
   * still builds, logs and runs the query (its `values()`: raw arrays through the connection's
   * statement cache); its generic row mapper, half of a 50-item list page's time in the repo here,
   * is replaced by a per-column loop that skips the columns drizzle would hand back unchanged.
   */
  select(query: { _: { selectedFields: object }; values(): unknown[][] }): Record<string, unknown>[] {
    if (Object.keys(query._.selectedFields).join() !== this.keyList)
      throw new Error(`${this.table}: select() must read every column in order`);
    return query.values().map((values) => {
      const row: Record<string, unknown> = {};
      for (let i = 0; i < this.cols.length; i++) {
        const c = this.cols[i]!;
        const v = values[i];
        row[c.key] = v === null || v === undefined ? null : c.decodes ? c.column.mapFromDriverValue(v) : v;
      }
      return row;
    });
  }

  private encode(c: Col, value: unknown): unknown {
    return value === null ? null : c.column.mapToDriverValue(value);
  }

  find(id: string, orgId: string): Record<string, unknown> | undefined {
    return this.decode(this.findStmt.get([id, orgId]) as Record<string, unknown> | undefined);
  }

  update(id: string, orgId: string, set: Record<string, unknown>): Record<string, unknown> | undefined {
    const keys = Object.keys(set).filter((k) => set[k] !== undefined);
    if (keys.length === 0) throw new Error('No values to set');
    const cols = keys.map((k) => this.col(k));
    const shape = keys.join(',');
    let stmt = this.updates.get(shape);
    if (!stmt) {
      const assignments = cols.map((c) => `"${c.name}" = ?`).join(', ');
      stmt = this.sqlite.prepare(
        `UPDATE "${this.table}" SET ${assignments} WHERE "${this.idName}" = ? AND "${this.orgName}" = ? RETURNING ${this.selectList}`,
      );
      this.updates.set(shape, stmt);
    }
    const params = cols.map((c) => this.encode(c, set[c.key]));
    params.push(id, orgId);
    return this.decode(stmt.get(params) as Record<string, unknown> | undefined);
  }

  insert(values: Record<string, unknown>): Record<string, unknown> {
    this.insertStmt ??= this.sqlite.prepare(`${this.insertSql()} RETURNING ${this.selectList}`);
    return this.decode(this.insertStmt.get(this.insertParams(values)) as Record<string, unknown>) as Record<string, unknown>;
  }

  /**
   * insert() without reading the row back: a sync snapshot writes 100,000 rows and never looks at
   * them, and RETURNING's row (fifty columns, JSON decoded) cost about a fifth of each insert.
   */
  add(values: Record<string, unknown>): void {
    this.addStmt ??= this.sqlite.prepare(this.insertSql());
    this.addStmt.run(this.insertParams(values));
  }

  private insertSql(): string {
    const cols = this.insertable;
    return `INSERT INTO "${this.table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  }

  /** Keys that are not columns are ignored, as drizzle's insert does. */
  private insertParams(values: Record<string, unknown>): unknown[] {
    return this.insertable.map((c) => {
      const v = values[c.key];
      if (v === undefined) return c.fallback === undefined || c.fallback === null ? null : this.encode(c, c.fallback);
      return this.encode(c, v);
    });
  }
}

const tablesOf = perConnection((_sqlite: Sqlite) => new Map<SQLiteTable, RowStatements>());

/** The prepared statements of `table` on this connection (built on first use). */
export function rowStatements(sqlite: Sqlite, table: SQLiteTable, orgKey: string): RowStatements {
  const tables = tablesOf(sqlite);
  let s = tables.get(table);
  if (!s) tables.set(table, (s = new RowStatements(sqlite, table, orgKey)));
  return s;
}
