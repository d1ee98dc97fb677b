import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import type { Metric } from '../types.js';
import { runRetention } from './retention.js';
import { BATCH_ACTION, writeBatch, type Binding, type QueuedFrame } from './store.js';

// The store is driven directly (no serial side, no pipeline queue): these tests are about what one
// flush writes to the tables and to the change log.

let t: TestHost;
let orgId: string;
const T0 = Date.parse('2026-11-16T08:00:00Z');
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestHost();
  ({ orgId } = await t.setupOrg());
});
afterAll(() => t.close());

interface Header {
  seq: number;
  org_id: string;
  epoch: number;
  hlc: string;
  action: string;
  actor_id: string | null;
  audit_from: number | null;
  audit_to: number | null;
}
interface ChangeRow {
  n: number;
  table_name: string;
  row_id: string;
  op: string;
  fields: string;
}

const sqlite = () => t.host.sqlite;
const maxId = (table: 'telemetry_readings' | 'vehicle_positions') =>
  (sqlite().prepare(`SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get() as number) ?? 0;
const maxSeq = () => sqlite().prepare('SELECT coalesce(max(seq), 0) FROM mutations').pluck().get() as number;
const headersAfter = (seq: number) => sqlite().prepare('SELECT * FROM mutations WHERE seq > ? ORDER BY seq').all(seq) as Header[];
const changesOf = (seq: number) => sqlite().prepare('SELECT * FROM changes WHERE mutation_seq = ? ORDER BY n').all(seq) as ChangeRow[];
/** Ids of `table` above `after` that belong to `org`, in id order. */
const idsAfter = (table: 'telemetry_readings' | 'vehicle_positions', after: number, org: string) =>
  sqlite().prepare(`SELECT id FROM ${table} WHERE id > ? AND org_id = ? ORDER BY id`).pluck().all(after, org) as number[];
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function binding(org: string, deviceId = newId()): Binding {
  return { deviceId, orgId: org, assetId: null, vehicleId: null };
}
function metrics(b: Binding, at: number, values: Record<string, number>): QueuedFrame {
  const list: Metric[] = Object.entries(values).map(([name, value]) => ({ name, value, unit: null }));
  return { binding: b, frame: { kind: 'metrics', at, metrics: list }, receivedAt: at };
}
function position(b: Binding, at: number, lat: number): QueuedFrame {
  return {
    binding: b,
    frame: { kind: 'position', at, lat, lon: -0.1, speedKmh: 30, headingDeg: 90, fixQuality: 1, satellites: 8, hdop: 0.9, altitudeM: 12 },
    receivedAt: at,
  };
}

/** The `batch` change rows of one header, decoded, by table. */
function rangesOf(seq: number) {
  const rows = changesOf(seq);
  for (const c of rows) expect(c.op).toBe('batch');
  return rows.map((c) => ({
    n: c.n,
    table: c.table_name,
    rowId: c.row_id,
    ...(JSON.parse(c.fields) as { from: number; to: number; count: number }),
  }));
}

describe('a telemetry flush in the change log', () => {
  it('when a flush stores N readings and M positions, then it writes one telemetry.batch header and one range row per table covering exactly the inserted ids', () => {
    const sensor = binding(orgId);
    const other = binding(orgId);
    const gps = binding(orgId);
    const batch = [
      metrics(sensor, T0, { temperature: 21.5, pressure: 3.2 }),
      position(gps, T0, 51.5),
      metrics(other, T0 + 1, { rpm: 1200, flow: 4.1, level: 0.8 }),
      position(gps, T0 + 1000, 51.501),
      metrics(sensor, T0 + 2000, { temperature: 21.7 }),
      position(gps, T0 + 2000, 51.502),
    ];
    const N = 6;
    const M = 3;
    const [r0, p0, s0] = [maxId('telemetry_readings'), maxId('vehicle_positions'), maxSeq()];
    const hlcBefore = t.host.hlc.last();

    const stored = writeBatch(t.host, batch);
    t.host.commits.flush();

    expect(stored.readings).toHaveLength(N);
    expect(stored.positions).toHaveLength(M);
    const headers = headersAfter(s0);
    expect(headers).toHaveLength(1);
    const h = headers[0]!;
    expect(h).toMatchObject({
      org_id: orgId,
      epoch: t.host.epoch,
      action: BATCH_ACTION,
      actor_id: 'system:telemetry',
      audit_from: null,
      audit_to: null,
    });
    if (hlcBefore) expect(h.hlc > hlcBefore).toBe(true);

    const readingIds = idsAfter('telemetry_readings', r0, orgId);
    const positionIds = idsAfter('vehicle_positions', p0, orgId);
    expect(readingIds).toHaveLength(N);
    expect(positionIds).toHaveLength(M);
    const ranges = rangesOf(h.seq);
    expect(ranges).toEqual([
      {
        n: 0,
        table: 'telemetry_readings',
        rowId: `${readingIds[0]}..${readingIds.at(-1)}`,
        from: readingIds[0],
        to: readingIds.at(-1),
        count: N,
      },
      {
        n: 1,
        table: 'vehicle_positions',
        rowId: `${positionIds[0]}..${positionIds.at(-1)}`,
        from: positionIds[0],
        to: positionIds.at(-1),
        count: M,
      },
    ]);
    // Exactly the inserted ids: the ranges enumerate the rows, no more and no fewer.
    expect(span(ranges[0]!.from, ranges[0]!.to)).toEqual(readingIds);
    expect(span(ranges[1]!.from, ranges[1]!.to)).toEqual(positionIds);
  });

  it('when a flush holds frames of two orgs interleaved, then each org gets its own header whose ranges cover exactly its own rows', () => {
    // Readings carry no foreign key to organizations, so a second org needs no setup for the store.
    const otherOrg = newId();
    const a = binding(orgId);
    const b = binding(otherOrg);
    const batch = [
      metrics(a, T0 + 5000, { x: 1, y: 2 }),
      metrics(b, T0 + 5000, { x: 10 }),
      position(b, T0 + 5000, 52),
      metrics(a, T0 + 6000, { x: 3 }),
      position(a, T0 + 6000, 51.6),
      metrics(b, T0 + 6000, { x: 11, y: 12 }),
    ];
    const [r0, p0, s0] = [maxId('telemetry_readings'), maxId('vehicle_positions'), maxSeq()];

    writeBatch(t.host, batch);
    t.host.commits.flush();

    const headers = headersAfter(s0);
    expect(headers.map((h) => h.org_id)).toEqual([orgId, otherOrg]);
    for (const h of headers) {
      const ranges = rangesOf(h.seq);
      const covered = (table: string) => ranges.filter((r) => r.table === table).flatMap((r) => span(r.from, r.to));
      expect(covered('telemetry_readings')).toEqual(idsAfter('telemetry_readings', r0, h.org_id));
      expect(covered('vehicle_positions')).toEqual(idsAfter('vehicle_positions', p0, h.org_id));
      for (const r of ranges) expect(r.count).toBe(r.to - r.from + 1);
      // One run per table: the store writes an org's rows together.
      expect(ranges.map((r) => r.table)).toEqual(['telemetry_readings', 'vehicle_positions']);
    }
    expect(idsAfter('telemetry_readings', r0, orgId)).toHaveLength(3);
    expect(idsAfter('telemetry_readings', r0, otherOrg)).toHaveLength(3);
  });

  it('when a flush fails part-way, then it leaves no readings, positions, header or change rows, and the next flush logs normally', () => {
    const sensor = binding(orgId);
    const gps = binding(orgId);
    // device_id is NOT NULL: the last frame's insert fails after the others went in.
    const broken: Binding = { ...binding(orgId), deviceId: null as unknown as string }; // cast: the point is a row the database refuses
    const batch = [
      metrics(sensor, T0 + 9000, { temperature: 30, pressure: 1 }),
      position(gps, T0 + 9000, 51.7),
      metrics(broken, T0 + 9000, { z: 1 }),
    ];
    const before = {
      readings: sqlite().prepare('SELECT count(*) FROM telemetry_readings').pluck().get(),
      positions: sqlite().prepare('SELECT count(*) FROM vehicle_positions').pluck().get(),
      mutations: sqlite().prepare('SELECT count(*) FROM mutations').pluck().get(),
      changes: sqlite().prepare('SELECT count(*) FROM changes').pluck().get(),
    };
    const [r0, s0] = [maxId('telemetry_readings'), maxSeq()];

    expect(() => writeBatch(t.host, batch)).toThrow(/NOT NULL/);
    t.host.commits.flush();

    expect({
      readings: sqlite().prepare('SELECT count(*) FROM telemetry_readings').pluck().get(),
      positions: sqlite().prepare('SELECT count(*) FROM vehicle_positions').pluck().get(),
      mutations: sqlite().prepare('SELECT count(*) FROM mutations').pluck().get(),
      changes: sqlite().prepare('SELECT count(*) FROM changes').pluck().get(),
    }).toEqual(before);

    writeBatch(t.host, batch.slice(0, 2));
    t.host.commits.flush();
    const headers = headersAfter(s0);
    expect(headers).toHaveLength(1);
    const ids = idsAfter('telemetry_readings', r0, orgId);
    expect(ids).toHaveLength(2);
    expect(rangesOf(headers[0]!.seq).map((r) => [r.table, r.from, r.to, r.count])).toEqual([
      ['telemetry_readings', ids[0], ids[1], 2],
      ['vehicle_positions', maxId('vehicle_positions'), maxId('vehicle_positions'), 1],
    ]);
  });

  it('when retention expires the newest reading and position by id, then they are kept, retention logs nothing, and the next flush gets new ids', async () => {
    const sensor = binding(orgId);
    const gps = binding(orgId);
    // A device with a clock years behind: its rows are the newest by id and already expired by `at`.
    const stale = T0 - 3 * 365 * DAY;
    writeBatch(t.host, [metrics(sensor, stale, { stale: 1 }), position(gps, stale, 50)]);
    t.host.commits.flush();
    const [newestReading, newestPosition, s0] = [maxId('telemetry_readings'), maxId('vehicle_positions'), maxSeq()];

    const result = await runRetention(t.host);

    expect(maxSeq()).toBe(s0);
    expect(
      sqlite()
        .prepare('SELECT count(*) FROM telemetry_readings WHERE at < ?')
        .pluck()
        .get(t.clock.now() - 30 * DAY),
    ).toBe(1);
    expect(maxId('telemetry_readings')).toBe(newestReading);
    expect(maxId('vehicle_positions')).toBe(newestPosition);
    // Nothing else was old enough, so retention had nothing of ours to delete besides these two.
    expect(result).toMatchObject({ readings: 0, positions: 0 });

    writeBatch(t.host, [metrics(sensor, T0 + 20_000, { fresh: 1 }), position(gps, T0 + 20_000, 51.8)]);
    t.host.commits.flush();
    const [h] = headersAfter(s0);
    expect(rangesOf(h!.seq).map((r) => [r.table, r.from])).toEqual([
      ['telemetry_readings', newestReading + 1],
      ['vehicle_positions', newestPosition + 1],
    ]);
  });
});
