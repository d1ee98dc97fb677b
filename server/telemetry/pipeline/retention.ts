import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Host } from '../../core/context.js';
import { settingsOf } from '../repo.js';

const DAY = 86_400_000;

export interface RetentionResult {
  readings: number;
  positions: number;
  minuteRollups: number;
  hourRollups: number;
}

/**
 * Deletes expired raw readings, positions and roll-ups, per org, in chunks.
 *
 * Each chunk is its own small transaction and the loop yields to the event loop between chunks,
 * so a first run over months of backlog never holds the write lock long enough to stall a batch of
 * fresh readings or an HTTP write. Readings and positions are append-only (triggers in migration
 * 0006): the chunk opens the retention gate for its org with the cutoff, deletes, and closes the
 * gate again before its transaction ends, so the trigger lets through exactly the expired rows.
 *
 * This is local pruning, not a change: it writes no mutations header and no change rows. Each
 * replica keeps raw history as long as its own settings say, so a delete here must never reach
 * another depot or the hub (the sync policy of these tables is `batch`: insert-only ranges).
 *
 * The row with the highest id of each of those tables is never deleted, even when expired. Their
 * ids are SQLite rowids without AUTOINCREMENT, so a new row gets max(id) + 1: deleting the newest
 * row (rows expire by `at`, the device's time, not by id) would hand its id out again, and the change
 * log names synced rows by (node, epoch, local id), which must never mean two different readings.
 * Keeping one row per table costs nothing; a rebuild with AUTOINCREMENT would rewrite the bulk of
 * the database at upgrade and add a write per insert.
 */
export async function runRetention(
  host: Host,
  opts: { chunk?: number; /** Checked between chunks: the host is stopping. */ stopped?: () => boolean } = {},
): Promise<RetentionResult> {
  const chunk = opts.chunk ?? 5000;
  const stopped = opts.stopped ?? (() => false);
  const result: RetentionResult = { readings: 0, positions: 0, minuteRollups: 0, hourRollups: 0 };
  const orgs = host.sqlite.prepare('SELECT id FROM organizations').pluck().all() as string[];
  const openGate = host.sqlite.prepare('INSERT OR REPLACE INTO telemetry_retention_gate (org_id, before_at) VALUES (?, ?)');
  const closeGate = host.sqlite.prepare('DELETE FROM telemetry_retention_gate WHERE org_id = ?');
  const deletions = {
    readings: host.sqlite.prepare(
      'DELETE FROM telemetry_readings WHERE id IN (SELECT id FROM telemetry_readings WHERE org_id = ? AND at < ? AND id < (SELECT max(id) FROM telemetry_readings) LIMIT ?)',
    ),
    positions: host.sqlite.prepare(
      'DELETE FROM vehicle_positions WHERE id IN (SELECT id FROM vehicle_positions WHERE org_id = ? AND at < ? AND id < (SELECT max(id) FROM vehicle_positions) LIMIT ?)',
    ),
    rollups: host.sqlite.prepare(
      'DELETE FROM telemetry_rollups WHERE id IN (SELECT id FROM telemetry_rollups WHERE org_id = ? AND resolution = ? AND bucket_start < ? LIMIT ?)',
    ),
  };

  for (const orgId of orgs) {
    const settings = settingsOf(host.db, orgId);
    const now = host.clock.now();
    const rawCutoff = now - settings.rawRetentionDays * DAY;
    for (const key of ['readings', 'positions'] as const) {
      for (;;) {
        // The gate is host-local bookkeeping inside this transaction only, and the delete is local
        // pruning (see above): neither is an entity change, so not mutate() and no change rows.
        const n = host.commits.run(() => {
          openGate.run(orgId, rawCutoff);
          const changes = deletions[key].run(orgId, rawCutoff, chunk).changes;
          closeGate.run(orgId);
          return changes;
        });
        result[key] += n;
        if (n < chunk) break;
        await yieldToLoop();
        if (stopped()) return result;
      }
    }
    for (const [resolution, days, field] of [
      ['minute', settings.minuteRetentionDays, 'minuteRollups'],
      ['hour', settings.hourRetentionDays, 'hourRollups'],
    ] as const) {
      const cutoff = now - days * DAY;
      for (;;) {
        const n = host.commits.run(() => deletions.rollups.run(orgId, resolution, cutoff, chunk).changes);
        result[field] += n;
        if (n < chunk) break;
        await yieldToLoop();
        if (stopped()) return result;
      }
    }
  }
  return result;
}
