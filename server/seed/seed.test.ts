import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { ConfigSchema } from '../config.js';
import { startHost } from '../start.js';
import { DB_FILE } from '../host.js';
import { WORK_ORDER_STATUSES } from '../../db/schema/index.js';
import { parseCli, report } from './cli.js';
import { seedDemo, SeedRefusedError, type SeedSummary } from './seed.js';

const NOW = Date.parse('2026-11-16T10:00:00Z');
const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-seed-'));
  dirs.push(dir);
  return dir;
}

let dataDir: string;
let summary: SeedSummary;
let db: Database.Database;

beforeAll(async () => {
  dataDir = tempDir();
  summary = await seedDemo({ dataDir, size: 'small', workOrders: 200, seed: 7, force: false, now: NOW });
  db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
}, 120_000);

afterAll(() => {
  db?.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const count = (sql: string, ...params: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

describe('the demo depot', () => {
  it('when seeded, then every step went through the service and the file is intact', () => {
    expect(summary.errors).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.integrity).toBe('ok');
    expect(db.pragma('synchronous', { simple: true })).toBeTypeOf('number');
  });

  it('when seeded, then it holds the catalog the issue asks for', () => {
    expect(count('SELECT count(*) FROM organizations')).toBe(1);
    expect(count("SELECT count(*) FROM users WHERE role = 'technician'")).toBe(20);
    expect(count("SELECT count(*) FROM users WHERE role = 'dispatcher'")).toBe(2);
    expect(count("SELECT count(*) FROM users WHERE role = 'supervisor'")).toBe(2);
    expect(count("SELECT count(*) FROM users WHERE role = 'admin'")).toBe(1);
    expect(count("SELECT count(*) FROM users WHERE role = 'viewer'")).toBe(1);
    expect(count('SELECT count(*) FROM teams')).toBe(4);
    expect(count('SELECT count(*) FROM team_members WHERE is_lead = 1')).toBe(4);
    expect(count("SELECT count(*) FROM users WHERE role = 'technician' AND shift IS NULL")).toBe(0);
    expect(count('SELECT count(*) FROM locations')).toBeGreaterThanOrEqual(190);
    expect(count('SELECT count(*) FROM assets')).toBeGreaterThanOrEqual(450);
    // Everything sits in the Bristol/Bath area.
    expect(count('SELECT count(*) FROM locations WHERE lat NOT BETWEEN 51.3 AND 51.55 OR lon NOT BETWEEN -2.8 AND -2.3')).toBe(0);
    expect(count('SELECT count(*) FROM vehicles WHERE last_lat IS NULL')).toBe(0);
    expect(count('SELECT count(*) FROM stock_levels')).toBe(2 * count('SELECT count(*) FROM stock_items'));
    expect(count('SELECT count(*) FROM sla_calendars')).toBe(2);
    expect(count('SELECT count(*) FROM sla_policies')).toBe(20);
    expect(
      count(
        "SELECT count(*) FROM sla_policies p JOIN sla_calendars c ON c.id = p.calendar_id WHERE (p.type = 'emergency' OR p.priority = 'critical') AND c.name <> '24/7'",
      ),
    ).toBe(0);
    expect(count('SELECT count(*) FROM task_templates')).toBeGreaterThanOrEqual(10);
    expect(count('SELECT count(*) FROM project_phases')).toBeGreaterThan(count('SELECT count(*) FROM projects'));
  });

  it('when seeded, then there are the requested work orders in every status', () => {
    expect(count('SELECT count(*) FROM work_orders')).toBe(200);
    const present = (db.prepare('SELECT DISTINCT status FROM work_orders').pluck().all() as string[]).sort();
    expect(present).toEqual([...WORK_ORDER_STATUSES].sort());
    // Spread over past and coming weeks.
    expect(count('SELECT count(*) FROM work_orders WHERE planned_start > ?', NOW + 7 * 86_400_000)).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM work_orders WHERE created_at < ?', NOW - 28 * 86_400_000)).toBeGreaterThan(0);
    expect(count('SELECT max(created_at) FROM work_orders')).toBeLessThanOrEqual(NOW);
  });

  it('when an order is in a status, then its timeline of status changes leads exactly there', () => {
    const orders = db.prepare('SELECT id, status FROM work_orders').all() as { id: string; status: string }[];
    const events = db.prepare(
      "SELECT type, from_status AS fromStatus, to_status AS toStatus FROM work_order_events WHERE work_order_id = ? AND type IN ('created', 'status_changed') ORDER BY at, id",
    );
    for (const wo of orders) {
      const timeline = events.all(wo.id) as { type: string; fromStatus: string | null; toStatus: string }[];
      expect(timeline[0]).toMatchObject({ type: 'created', toStatus: 'NEW' });
      for (let i = 1; i < timeline.length; i++) expect(timeline[i]?.fromStatus).toBe(timeline[i - 1]?.toStatus);
      expect(timeline.at(-1)?.toStatus).toBe(wo.status);
    }
  });

  it('when an order is closed, then it was completed, approved by a supervisor, and audited', () => {
    const closed = db.prepare("SELECT id, completed_at, closed_at FROM work_orders WHERE status = 'CLOSED'").all() as {
      id: string;
      completed_at: number;
      closed_at: number;
    }[];
    expect(closed.length).toBeGreaterThan(0);
    for (const wo of closed) {
      expect(wo.closed_at).toBeGreaterThanOrEqual(wo.completed_at);
      expect(
        count(
          "SELECT count(*) FROM closure_approvals a JOIN users u ON u.id = a.decided_by WHERE a.work_order_id = ? AND a.decision = 'approved' AND u.role = 'supervisor'",
          wo.id,
        ),
      ).toBe(1);
      expect(
        count("SELECT count(*) FROM audit_log WHERE entity = 'work_orders' AND entity_id = ? AND action = 'work_orders.insert'", wo.id),
      ).toBe(1);
    }
    expect(count('SELECT count(*) FROM changes')).toBeGreaterThan(count('SELECT count(*) FROM work_order_events'));
  });

  it('when seeded, then stock is opening movements plus usage, each level is their sum, and work orders carry the AVM code', () => {
    const levels = count('SELECT count(*) FROM stock_levels');
    expect(count("SELECT count(*) FROM stock_movements WHERE kind = 'initial'")).toBe(levels);
    expect(count("SELECT count(*) FROM stock_movements WHERE kind = 'usage'")).toBe(count('SELECT count(*) FROM material_usages'));
    expect(count('SELECT count(*) FROM material_usages')).toBeGreaterThan(0);
    expect(
      count(
        `SELECT count(*) FROM stock_levels l WHERE l.quantity <> round(
           (SELECT total(m.delta) FROM stock_movements m WHERE m.depot_id = l.depot_id AND m.item_id = l.item_id), 6)`,
      ),
    ).toBe(0);
    const avm = db.prepare("SELECT id FROM depots WHERE code = 'AVM'").pluck().get() as string;
    expect(JSON.parse(db.prepare("SELECT value FROM host_settings WHERE key = 'node_depot_id'").pluck().get() as string)).toBe(avm);
    expect(count("SELECT count(*) FROM work_orders WHERE number NOT GLOB 'AVM-[0-9][0-9][0-9][0-9][0-9][0-9]'")).toBe(0);
    expect(count('SELECT count(DISTINCT seq) FROM work_orders')).toBe(count('SELECT count(*) FROM work_orders'));
  });

  it('when orders are finished or in the field, then the SLA data says so, with some breaches', () => {
    expect(count("SELECT count(*) FROM work_orders WHERE status IN ('COMPLETED', 'CLOSED') AND completed_at IS NULL")).toBe(0);
    expect(count("SELECT count(*) FROM work_orders WHERE status IN ('ON_SITE', 'COMPLETED', 'CLOSED') AND responded_at IS NULL")).toBe(0);
    expect(count("SELECT count(*) FROM work_orders WHERE status = 'ON_HOLD' AND (on_hold_since IS NULL OR hold_reason IS NULL)")).toBe(0);
    expect(count('SELECT count(*) FROM work_orders WHERE resolution_due_at IS NULL')).toBe(0);
    expect(count("SELECT count(*) FROM work_orders WHERE status = 'CLOSED' AND completed_at > resolution_due_at")).toBeGreaterThan(0);
    expect(count("SELECT count(*) FROM work_orders WHERE status = 'CLOSED' AND completed_at <= resolution_due_at")).toBeGreaterThan(0);
  });

  it('when the host starts on the demo data, then the printed admin login works over the API', async () => {
    const admin = summary.logins.find((l) => l.role === 'admin');
    expect(admin).toBeDefined();
    expect(report(summary, dataDir)).toContain(admin!.email);
    const running = await startHost(ConfigSchema.parse({ dataDir, port: 0, lan: false, logLevel: 'silent' }), { quiet: true });
    try {
      const login = await fetch(`${running.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin!.email, password: admin!.password }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const list = await fetch(`${running.url}/api/v1/work-orders?status=CLOSED&limit=5`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.status).toBe(200);
      const body = (await list.json()) as { items: { status: string }[] };
      expect(body.items).toHaveLength(5);
      expect(body.items.every((i) => i.status === 'CLOSED')).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('when seeding into a depot that has data, then it refuses unless forced', async () => {
    await expect(seedDemo({ dataDir, size: 'small', workOrders: 20, seed: 1, force: false, now: NOW })).rejects.toBeInstanceOf(
      SeedRefusedError,
    );
    // The host started above generated the seeded maintenance plans' first work (server/seed/maintenance-plans.ts): not seeded rows.
    expect(count('SELECT count(*) FROM work_orders WHERE id NOT IN (SELECT work_order_id FROM maintenance_occurrences)')).toBe(200);
  });
});

describe('reproducible and forced reseeding', () => {
  it('when the same seed is used twice with --force, then the same depot comes out', async () => {
    const dir = tempDir();
    const read = () => {
      const d = new Database(path.join(dir, DB_FILE), { readonly: true });
      try {
        return d.prepare('SELECT number, title, status, priority FROM work_orders ORDER BY seq').all();
      } finally {
        d.close();
      }
    };
    await seedDemo({ dataDir: dir, size: 'small', workOrders: 40, seed: 99, force: false, now: NOW });
    const first = read();
    await seedDemo({ dataDir: dir, size: 'small', workOrders: 40, seed: 99, force: true, now: NOW });
    expect(read()).toEqual(first);
    expect(first).toHaveLength(40);
  }, 120_000);
});

describe('command line', () => {
  it('when only --demo is given, then the defaults are small, seed 2026 and DEPOTDESK_DATA_DIR', () => {
    const opts = parseCli(['--demo'], { DEPOTDESK_DATA_DIR: '/tmp/somewhere' });
    expect(opts).toEqual({ dataDir: '/tmp/somewhere', size: 'small', seed: 2026, force: false, workOrders: undefined });
  });

  it('when a flag is wrong, then it is refused with a message', () => {
    expect(() => parseCli([], {})).toThrow(/--demo/);
    expect(() => parseCli(['--demo', '--size', 'huge'], {})).toThrow(/small/);
    expect(() => parseCli(['--demo', '--work-orders', 'ten'], {})).toThrow(/work-orders/);
    expect(() => parseCli(['--demo', '--bogus'], {})).toThrow();
  });
});
