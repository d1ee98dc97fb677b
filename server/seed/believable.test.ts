import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../host.js';
import { computeKpis } from '../reports/kpi/index.js';
import type { KpiReport } from '../reports/kpi-types.js';
import { seedDemo } from './seed.js';
import { LocalTime } from './time.js';
import { WorkingHoursSchema } from '../sla/contract.js';

/**
 * The demo depot should look like a well-run depot with a few real problems to find (issue 17,
 * item 7): a dispatcher or manager opening its reports should believe the figures.
 */

const NOW = Date.parse('2026-11-16T10:00:00Z');
const DAY = 86_400_000;
let dir: string;
let db: Database.Database;
let kpis: KpiReport;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-believable-'));
  await seedDemo({ dataDir: dir, size: 'small', workOrders: 1500, seed: 11, force: false, now: NOW });
  db = new Database(path.join(dir, DB_FILE), { readonly: true });
  const orgId = db.prepare('SELECT id FROM organizations').pluck().get() as string;
  kpis = computeKpis(db, { orgId, from: NOW - 30 * DAY, to: NOW, filters: {}, zone: 'Europe/London', now: NOW });
}, 180_000);

afterAll(() => {
  db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (sql: string) => db.prepare(sql).pluck().get() as number;

describe('the demo depot, as a manager reads it', () => {
  it('when its last 30 days are reported, then most work finishes on time and within SLA, with a handful of breaches', () => {
    const s = kpis.summary;
    console.log(
      `on time ${s.onTime.numerator}/${s.onTime.denominator}, SLA resolution ${s.slaResolution.numerator}/${s.slaResolution.denominator}, ` +
        `response ${s.slaResponse.numerator}/${s.slaResponse.denominator}, respond ${s.mttrRespondH?.toFixed(1)} h, ` +
        `planned ${s.plannedMin} min vs actual ${s.actualMin} min, first-time fix ${s.firstTimeFix.value}`,
    );
    expect(s.onTime.value).toBeGreaterThanOrEqual(0.8);
    expect(s.onTime.value).toBeLessThanOrEqual(0.95);
    expect(s.slaResolution.value).toBeGreaterThanOrEqual(0.85);
    expect(s.slaResolution.value).toBeLessThan(1);
    expect(s.slaResolution.denominator - s.slaResolution.numerator).toBeGreaterThanOrEqual(3);
    // Work is reached within a couple of days on average (planned work is raised shortly before it is due).
    expect(s.mttrRespondH).toBeLessThan(72);
    // Planned and actual hours agree within a quarter either way over a month of work.
    expect(s.actualMin / s.plannedMin).toBeGreaterThan(0.75);
    expect(s.actualMin / s.plannedMin).toBeLessThan(1.25);
  });

  it('when its board is opened now, then only a few open jobs are past their resolution time', () => {
    const open = count("SELECT count(*) FROM work_orders WHERE status NOT IN ('COMPLETED', 'CLOSED', 'CANCELLED')");
    const late = count(
      `SELECT count(*) FROM work_orders WHERE status NOT IN ('COMPLETED', 'CLOSED', 'CANCELLED')
         AND on_hold_since IS NULL AND resolution_due_at < ${NOW}`,
    );
    console.log(`open ${open}, past resolution due ${late}`);
    expect(late).toBeGreaterThan(0);
    expect(late / open).toBeLessThan(0.08);
  });

  it('when its plan is read, then no work is planned before it was reported and crews are rarely double-booked', () => {
    expect(count('SELECT count(*) FROM work_orders WHERE planned_start < created_at')).toBe(0);
    const booked = count(
      "SELECT count(*) FROM work_orders WHERE assignee_id IS NOT NULL AND planned_start IS NOT NULL AND status <> 'CANCELLED'",
    );
    const overlaps = count(
      `SELECT count(*) FROM work_orders a JOIN work_orders b
         ON a.assignee_id = b.assignee_id AND a.id < b.id AND a.planned_start < b.planned_end AND b.planned_start < a.planned_end
       WHERE a.status <> 'CANCELLED' AND b.status <> 'CANCELLED'`,
    );
    console.log(`double bookings ${overlaps} of ${booked} planned work orders`);
    // Emergencies squeezed in are real; a plan full of clashes is not.
    expect(overlaps / booked).toBeLessThan(0.02);
  });

  it("when its plan is read, then crews' work sits inside their shifts, call-outs aside", () => {
    const rows = db
      .prepare(
        `SELECT w.planned_start AS s, w.planned_end AS e, u.shift FROM work_orders w JOIN users u ON u.id = w.assignee_id
          WHERE w.planned_start IS NOT NULL AND w.status <> 'CANCELLED' AND w.type <> 'emergency' AND w.priority <> 'critical'`,
      )
      .all() as { s: number; e: number; shift: string | null }[];
    const time = new LocalTime('Europe/London');
    const outside = rows.filter((r) => !time.withinShift(r.shift ? WorkingHoursSchema.parse(JSON.parse(r.shift)) : null, r.s, r.e));
    console.log(`outside the assignee's shift: ${outside.length} of ${rows.length} planned work orders (call-outs not counted)`);
    // A third of the plan was outside shifts before the seed read them (session 10).
    expect(rows.length).toBeGreaterThan(500);
    expect(outside.length / rows.length).toBeLessThan(0.03);
  });
});
