import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db, type Sqlite } from '../../db/client.js';
import { capturingDb, explainQueryPlan, gatherStats } from '../testing/query-plans.js';
import { READING_INDEXES, readingKeyWalk, UNBOUND, UNBOUND_EXPIRED } from './pipeline/retention.js';
import { latestOfAsset, rawReadings } from './repo.js';

/**
 * The plan SQLite picks for every statement that reads telemetry_readings, read with EXPLAIN QUERY
 * PLAN over a table shaped like a depot's (bound and unbound devices, several metrics, two orgs)
 * under the statistics the host gathers (bounded ANALYZE) and under full ones. The table's indexes
 * are partial (migration 0013): a statement whose WHERE does not imply an index's condition cannot
 * use it and walks the whole table, which is what this test catches.
 */

const ROWS = 30_000;
const ORG = 'org-1';
const NOW = Date.parse('2026-11-16T08:00:00Z');
const HOUR = 3_600_000;

let dir: string;
let sqlite: Sqlite;
let db: Db;
let captured: { sql: string; params: unknown[] }[] = [];

/** 40 devices: a third bound to one of 10 assets, a third to one of 10 vehicles, a third unbound; 6 metrics; a second org. */
function seed(s: Sqlite): void {
  s.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
     INSERT INTO telemetry_readings (org_id, device_id, asset_id, vehicle_id, metric, value, unit, at, received_at)
     SELECT CASE WHEN i % 7 = 0 THEN 'org-2' ELSE '${ORG}' END, 'dev-' || (i % 40),
       CASE WHEN i % 40 < 13 THEN 'asset-' || (i % 10) END, CASE WHEN i % 40 BETWEEN 13 AND 26 THEN 'veh-' || (i % 10) END,
       'm' || (i % 6), i, 'C', ${NOW} - (${ROWS} - i) * 1000, ${NOW} - (${ROWS} - i) * 1000
     FROM n`,
  ).run();
  // latestOfAsset lists an asset's metrics from its hour roll-ups before reading each one's latest value.
  s.prepare(
    `INSERT INTO telemetry_rollups (org_id, resolution, subject_kind, subject_id, metric, unit, bucket_start, count, min, max, sum, last, last_at)
     VALUES ('${ORG}', 'hour', 'asset', 'asset-3', 'm1', 'C', ?, 1, 1, 1, 1, 1, ?)`,
  ).run(NOW - HOUR, NOW - HOUR);
}

function plan(sql: string, params: unknown[]): string[] {
  return explainQueryPlan(sqlite, sql, params).map((r) => r.detail);
}

/** The app's SQL for a read, as drizzle sends it. */
function captureOne(read: () => unknown): { sql: string; params: unknown[] } {
  captured.length = 0;
  read();
  const hits = captured.filter((c) => c.sql.includes('"telemetry_readings"'));
  expect(hits).toHaveLength(1);
  return hits[0]!;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-telemetry-plan-'));
  sqlite = openDatabase(path.join(dir, 'depotdesk.sqlite')).sqlite;
  seed(sqlite);
  ({ db, captured } = capturingDb(sqlite));
});
afterAll(() => {
  sqlite?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const reads = {
  'raw readings of an asset': () => rawReadings(db, ORG, { assetId: 'asset-3' }, 'm1', NOW - 6 * HOUR, NOW, 5001),
  'raw readings of a vehicle': () => rawReadings(db, ORG, { vehicleId: 'veh-4' }, 'm2', NOW - 6 * HOUR, NOW, 5001),
  'raw readings of an unbound device': () => rawReadings(db, ORG, { deviceId: 'dev-30' }, 'm0', NOW - 6 * HOUR, NOW, 5001),
  'latest value of an asset metric': () => latestOfAsset(db, ORG, 'asset-3'),
};
const expectedIndex: Record<keyof typeof reads, string> = {
  'raw readings of an asset': 'telemetry_readings_asset_metric_at_idx',
  'raw readings of a vehicle': 'telemetry_readings_vehicle_metric_at_idx',
  'raw readings of an unbound device': 'telemetry_readings_unbound_org_at_idx',
  'latest value of an asset metric': 'telemetry_readings_asset_metric_at_idx',
};

describe.each(['host', 'full'] as const)('telemetry_readings plans under %s statistics', (mode) => {
  beforeAll(() => gatherStats(sqlite, mode));

  it.each(Object.keys(reads) as (keyof typeof reads)[])('when the API reads %s, then it seeks its partial index in order', (name) => {
    const { sql, params } = captureOne(reads[name]);
    const steps = plan(sql, params);
    const readings = steps.filter((d) => d.includes(' telemetry_readings '));
    // Bound subjects seek (subject, metric); unbound ones the org's time range, which holds only unbound rows.
    const key = name.includes('unbound') ? 'org_id=\\? AND at>\\? AND at<\\?' : '\\w+_id=\\? AND metric=\\?';
    expect(readings, steps.join('\n')).toEqual([
      expect.stringMatching(new RegExp(`^SEARCH telemetry_readings USING INDEX ${expectedIndex[name]} \\(${key}`)),
    ]);
    expect(steps.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('when retention deletes expired unbound rows, then it seeks the unbound index by org and time', () => {
    const text = plan(UNBOUND_EXPIRED, [ORG, NOW, 100]).join('\n');
    expect(text).not.toMatch(/^SCAN telemetry_readings/m);
    expect(text).toMatch(/SEARCH telemetry_readings USING (COVERING )?INDEX telemetry_readings_unbound_org_at_idx \(org_id=\? AND at<\?\)/);
  });

  it.each(READING_INDEXES.map((ix) => [ix.column, ix] as const))(
    'when retention walks the %s index, then each step and each delete seeks that index',
    (_column, ix) => {
      const { first, after, expire } = readingKeyWalk({ sqlite }, ix).statements;
      const index = `telemetry_readings_${ix.column.replace('_id', '')}_metric_at_idx`;
      // The first key is the index's first entry: an ordered walk of the index that stops at one row.
      expect(plan(first.source, []).join('\n'), first.source).toMatch(
        new RegExp(`^(SCAN|SEARCH) telemetry_readings USING (COVERING )?INDEX ${index}\\b[^\\n]*$`),
      );
      expect(first.source).toMatch(/ORDER BY \w+_id, metric LIMIT 1$/);
      const seeks: [string, unknown[]][] = [
        [after.source, ['x', 'm1']],
        [expire.source, ['x', 'm1', NOW, ORG, 100]],
      ];
      for (const [sql, params] of seeks) {
        const text = plan(sql, params).join('\n');
        expect(text, sql).not.toMatch(/^SCAN telemetry_readings/m);
        expect(text, sql).not.toMatch(/TEMP B-TREE/);
        expect(text, sql).toMatch(new RegExp(`SEARCH telemetry_readings USING (COVERING )?INDEX ${index} \\(`));
      }
    },
  );
});

it('when the schema is migrated, then every index on telemetry_readings is partial and together they hold every row', () => {
  const indexes = sqlite
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'telemetry_readings' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  const conditions = new Map<string, string>([
    ...READING_INDEXES.map((ix) => [`telemetry_readings_${ix.column.replace('_id', '')}_metric_at_idx`, ix.where] as const),
    ['telemetry_readings_unbound_org_at_idx', UNBOUND] as const,
  ]);
  expect(indexes.map((i) => i.name).sort()).toEqual([...conditions.keys()].sort());
  // Retention states the same conditions as the indexes, or it could not use them.
  for (const i of indexes) expect(i.sql).toMatch(new RegExp(` WHERE ${conditions.get(i.name)}$`));
  const held = [...conditions.values()].map((c) => `(${c})`).join(' OR ');
  expect(sqlite.prepare(`SELECT count(*) FROM telemetry_readings WHERE NOT (${held})`).pluck().get()).toBe(0);
  expect(sqlite.prepare('SELECT count(*) FROM telemetry_readings').pluck().get()).toBe(ROWS);
});
