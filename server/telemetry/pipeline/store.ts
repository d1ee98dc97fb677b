import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../../../db/client.js';
import { systemCtx, type Host } from '../../core/context.js';
import { IdRanges, writeMutation } from '../../core/mutation-log.js';
import type { TelemetryFrame } from '../types.js';

/** Where a device's readings go: its org and the asset or vehicle it is bound to. */
export interface Binding {
  deviceId: string;
  orgId: string;
  assetId: string | null;
  vehicleId: string | null;
}

export interface QueuedFrame {
  binding: Binding;
  frame: TelemetryFrame;
  receivedAt: number;
}

export interface StoredReading {
  orgId: string;
  deviceId: string;
  assetId: string | null;
  vehicleId: string | null;
  metric: string;
  value: number;
  unit: string | null;
  at: number;
}

export type PositionFrame = Extract<TelemetryFrame, { kind: 'position' }>;
export interface StoredPosition {
  binding: Binding;
  frame: PositionFrame;
}

export type SubjectKind = 'asset' | 'vehicle' | 'device';

/** What readings are about: the bound asset or vehicle, else the device itself (so nothing is lost while unbound). */
export function subjectOf(b: { assetId: string | null; vehicleId: string | null; deviceId: string }): { kind: SubjectKind; id: string } {
  if (b.assetId) return { kind: 'asset', id: b.assetId };
  if (b.vehicleId) return { kind: 'vehicle', id: b.vehicleId };
  return { kind: 'device', id: b.deviceId };
}

/** The action of the mutations header a telemetry flush writes per org. */
export const BATCH_ACTION = 'telemetry.batch';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;

interface Statements {
  reading: Statement;
  position: Statement;
  rollup: Statement;
}

// Prepared once per connection: a batch runs these hundreds of times, and the query builder's
// per-call cost would dominate at the rates a flooding device produces.
const cache = new WeakMap<Sqlite, Statements>();
function statements(sqlite: Sqlite): Statements {
  let s = cache.get(sqlite);
  if (!s) {
    s = {
      reading: sqlite.prepare(
        'INSERT INTO telemetry_readings (org_id, device_id, asset_id, vehicle_id, metric, value, unit, at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      position: sqlite.prepare(
        'INSERT INTO vehicle_positions (org_id, device_id, vehicle_id, at, lat, lon, speed_kmh, heading_deg, fix_quality, satellites, hdop, altitude_m, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // Incremental roll-up: the batch's own aggregate merged into the stored bucket.
      rollup:
        sqlite.prepare(`INSERT INTO telemetry_rollups (org_id, resolution, subject_kind, subject_id, metric, unit, bucket_start, count, "min", "max", "sum", "last", last_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (subject_id, metric, resolution, bucket_start) DO UPDATE SET
          count = count + excluded.count,
          "min" = min("min", excluded."min"),
          "max" = max("max", excluded."max"),
          "sum" = "sum" + excluded."sum",
          "last" = CASE WHEN excluded.last_at >= last_at THEN excluded."last" ELSE "last" END,
          last_at = max(last_at, excluded.last_at),
          unit = coalesce(excluded.unit, unit)`),
    };
    cache.set(sqlite, s);
  }
  return s;
}

interface Agg {
  orgId: string;
  resolution: 'minute' | 'hour';
  subject: { kind: SubjectKind; id: string };
  metric: string;
  unit: string | null;
  bucket: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  last: number;
  lastAt: number;
}

/**
 * Writes one batch — readings, positions and their roll-ups — as ONE atomic unit of the host's
 * group commit, and logs what it inserted for sync in the same unit (a rollback takes both).
 *
 * Why not mutate(): readings are append-only history (DESIGN invariant 6), never edited, and come
 * by the thousand per second from a busy port. mutate() would add an audit row and a change row
 * (with the row's values) per reading — tripling the writes and burying the audit log in sensor
 * noise. Their "audit" is the device and receive time on the row itself. Instead each flush logs,
 * per org, one mutations header (`telemetry.batch`, actor `system:telemetry`, this host's epoch, one
 * HLC) and one `batch` change row per table naming the range of local ids it inserted (shape in
 * server/core/mutation-log.ts, IdRange): a few rows per flush, whatever its size. Roll-ups are
 * derived (each replica rebuilds them from readings), so they are not logged. Configuration
 * (devices, rules, settings) and consequences (alerts, work orders) go through mutate().
 */
export function writeBatch(host: Host, batch: QueuedFrame[]): { readings: StoredReading[]; positions: StoredPosition[] } {
  const s = statements(host.sqlite);
  const readings: StoredReading[] = [];
  const positions: StoredPosition[] = [];
  const aggs = new Map<string, Agg>();
  const addAgg = (r: StoredReading, resolution: 'minute' | 'hour', size: number) => {
    const subject = subjectOf(r);
    const bucket = r.at - (r.at % size);
    const key = `${resolution}|${subject.id}|${r.metric}|${bucket}`;
    const a = aggs.get(key);
    if (!a) {
      aggs.set(key, {
        orgId: r.orgId,
        resolution,
        subject,
        metric: r.metric,
        unit: r.unit,
        bucket,
        count: 1,
        min: r.value,
        max: r.value,
        sum: r.value,
        last: r.value,
        lastAt: r.at,
      });
      return;
    }
    a.count += 1;
    a.min = Math.min(a.min, r.value);
    a.max = Math.max(a.max, r.value);
    a.sum += r.value;
    if (r.at >= a.lastAt) {
      a.last = r.value;
      a.lastAt = r.at;
    }
    a.unit = r.unit ?? a.unit;
  };

  host.commits.run(() => {
    // Org by org, so each org's ids in each table are one run (SQLite gives a new row max(id) + 1 and
    // nothing else inserts while this synchronous unit runs) and its header covers only its own rows.
    for (const [orgId, frames] of byOrg(batch)) {
      const readingIds = new IdRanges();
      const positionIds = new IdRanges();
      for (const { binding: b, frame, receivedAt } of frames) {
        if (frame.kind === 'position') {
          const info = s.position.run(
            b.orgId,
            b.deviceId,
            b.vehicleId,
            frame.at,
            frame.lat,
            frame.lon,
            frame.speedKmh,
            frame.headingDeg,
            frame.fixQuality,
            frame.satellites,
            frame.hdop,
            frame.altitudeM,
            receivedAt,
          );
          positionIds.add(Number(info.lastInsertRowid));
          positions.push({ binding: b, frame });
          continue;
        }
        for (const m of frame.metrics) {
          const info = s.reading.run(b.orgId, b.deviceId, b.assetId, b.vehicleId, m.name, m.value, m.unit, frame.at, receivedAt);
          readingIds.add(Number(info.lastInsertRowid));
          const r: StoredReading = {
            orgId: b.orgId,
            deviceId: b.deviceId,
            assetId: b.assetId,
            vehicleId: b.vehicleId,
            metric: m.name,
            value: m.value,
            unit: m.unit,
            at: frame.at,
          };
          readings.push(r);
          addAgg(r, 'minute', MINUTE);
          addAgg(r, 'hour', HOUR);
        }
      }
      const changes = [...readingIds.changes('telemetry_readings'), ...positionIds.changes('vehicle_positions')];
      if (changes.length > 0) {
        writeMutation(systemCtx(host, orgId, 'telemetry'), {
          action: BATCH_ACTION,
          at: host.clock.now(),
          auditFrom: null,
          auditTo: null,
          changes,
        });
      }
    }
    for (const a of aggs.values()) {
      s.rollup.run(
        a.orgId,
        a.resolution,
        a.subject.kind,
        a.subject.id,
        a.metric,
        a.unit,
        a.bucket,
        a.count,
        a.min,
        a.max,
        a.sum,
        a.last,
        a.lastAt,
      );
    }
  });
  return { readings, positions };
}

/** The batch's frames per org, in arrival order within each org (almost always one org per host). */
function byOrg(batch: QueuedFrame[]): Map<string, QueuedFrame[]> {
  const groups = new Map<string, QueuedFrame[]>();
  for (const q of batch) {
    const group = groups.get(q.binding.orgId);
    if (group) group.push(q);
    else groups.set(q.binding.orgId, [q]);
  }
  return groups;
}

export function rowsOf(frame: TelemetryFrame): number {
  return frame.kind === 'metrics' ? frame.metrics.length : 1;
}
