import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { workOrders } from '../../db/schema/index.js';
import { SLA_STATES, slaState, type SlaWorkOrder, type WorkOrderStatus } from '../sla/engine.js';
import { riskFrom, slaStateIs, slaStateSql } from './sla-sql.js';

// Only the columns the SLA rules read; the SQL names them exactly as the real table does.
const sqlite = new Database(':memory:');
sqlite.exec(`CREATE TABLE work_orders (
  id TEXT PRIMARY KEY, status TEXT NOT NULL,
  response_due_at INTEGER, response_at_risk_at INTEGER, resolution_due_at INTEGER, resolution_at_risk_at INTEGER,
  responded_at INTEGER, completed_at INTEGER, on_hold_since INTEGER)`);
const db = drizzle(sqlite);
afterAll(() => sqlite.close());

const STATUSES: WorkOrderStatus[] = [
  'NEW',
  'SCHEDULED',
  'DISPATCHED',
  'EN_ROUTE',
  'ON_SITE',
  'ON_HOLD',
  'COMPLETED',
  'CLOSED',
  'CANCELLED',
];
const NOW = 1_000_000;

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type Row = SlaWorkOrder & { id: string };

/**
 * 6,000 rows of random statuses and instants, written to the table in place of what it held.
 * Instants cluster around NOW (and each other) so that ties and off-by-one edges come up often;
 * `holdOf` decides a row's hold instant from its status and a random instant.
 */
function generatedRows(seed: number, holdOf = (_status: WorkOrderStatus, instant: number | null) => instant): Row[] {
  const rand = rng(seed);
  const instants = [null, NOW - 2, NOW - 1, NOW, NOW + 1, NOW + 2, NOW - 500, NOW + 500];
  const pick = () => instants[Math.floor(rand() * instants.length)] ?? null;
  const rows: Row[] = [];
  for (let i = 0; i < 6000; i++) {
    const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
    rows.push({
      id: String(i).padStart(5, '0'),
      status,
      responseDueAt: pick(),
      responseAtRiskAt: pick(),
      resolutionDueAt: pick(),
      resolutionAtRiskAt: pick(),
      respondedAt: pick(),
      completedAt: pick(),
      onHoldSince: holdOf(status, pick()),
    });
  }
  sqlite.exec('DELETE FROM work_orders');
  const insert = sqlite.prepare(
    `INSERT INTO work_orders VALUES (@id, @status, @responseDueAt, @responseAtRiskAt, @resolutionDueAt, @resolutionAtRiskAt, @respondedAt, @completedAt, @onHoldSince)`,
  );
  sqlite.transaction(() => rows.forEach((r) => insert.run(r)))();
  return rows;
}

describe('slaState in SQL', () => {
  it('when evaluated over thousands of generated rows and several clocks, then SQL and TypeScript agree on every row', () => {
    const rows = generatedRows(42);

    const seen = new Set<string | null>();
    for (const now of [NOW - 1, NOW, NOW + 1, NOW + 1000]) {
      const fromSql = new Map(
        db
          .select({ id: workOrders.id, state: slaStateSql(now) })
          .from(workOrders)
          .all()
          .map((r) => [r.id, r.state]),
      );
      for (const row of rows) {
        const expected = slaState(row, now);
        seen.add(expected);
        expect(fromSql.get(row.id) ?? null, `row ${JSON.stringify(row)} at ${now}`).toBe(expected);
      }
      for (const state of SLA_STATES) {
        const ids = db
          .select({ id: workOrders.id })
          .from(workOrders)
          .where(slaStateIs(state, now))
          .all()
          .map((r) => r.id);
        expect(ids.sort()).toEqual(rows.filter((r) => slaState(r, now) === state).map((r) => r.id));
      }
    }
    // The generator really exercised every outcome.
    expect([...seen].sort()).toEqual(['at_risk', 'breached', 'met', 'ok', null].sort());
  });
  it('when open work is at risk, then it has passed its risk instant, so the index term riskFrom ≤ now drops none of it', () => {
    // Rows as the host writes them: a hold's instant only on held work, stamped no later than now.
    const rows = generatedRows(7, (status, held) => (status === 'ON_HOLD' && held !== null && held <= NOW ? held : null));
    const passed = new Set(
      db
        .select({ id: workOrders.id })
        .from(workOrders)
        .where(sql`${riskFrom()} <= ${NOW}`)
        .all()
        .map((r) => r.id),
    );
    const atRisk = rows.filter((r) => slaState(r, NOW) === 'at_risk');
    expect(atRisk.length).toBeGreaterThan(100);
    expect(atRisk.filter((r) => !passed.has(r.id))).toEqual([]);
    // The "+column" form is the same expression, only hidden from the indexes.
    const hidden = db
      .select({ id: workOrders.id })
      .from(workOrders)
      .where(sql`${riskFrom(false)} <= ${NOW}`)
      .all();
    expect(hidden.map((r) => r.id).sort()).toEqual([...passed].sort());
  });
});
