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
 *
 * Readings have no (org, at) index over all rows (it cost the flood a third of its rate, migrations
 * 0013-0014), and their ids do not follow `at` (a device's clock may be anything; the id follows
 * arrival), so an id range cannot find the expired ones either. Their three partial indexes cover
 * every row between them: unbound rows by (org, at), deleted by range like positions; bound rows by
 * (asset or vehicle, metric, at), where retention steps from one (subject, metric) key to the next
 * with an index seek each and deletes the key's rows older than the cutoff from the index range.
 * That costs a seek per key (subjects × metrics) plus the rows deleted, never a table scan.
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
  const readingKeys = READING_INDEXES.map((ix) => readingKeyWalk(host, ix));
  const deletions = {
    unbound: host.sqlite.prepare(UNBOUND_EXPIRED),
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
    // The gate is host-local bookkeeping inside each transaction only, and the delete is local
    // pruning (see above): neither is an entity change, so not mutate() and no change rows.
    for (const walk of readingKeys) {
      let key: ReadingKey | undefined;
      let done = false;
      while (!done) {
        const n = host.commits.run(() => {
          openGate.run(orgId, rawCutoff);
          let deleted = 0;
          // Up to a chunk of rows, or of keys when few of them have expired rows, per transaction.
          for (let keys = 0; deleted < chunk && keys < chunk; keys++) {
            const next = walk.next(key);
            if (!next) {
              done = true;
              break;
            }
            deleted += walk.expire(next, rawCutoff, orgId, chunk - deleted);
            // A key that filled the chunk may have more: the next transaction starts on it again.
            if (deleted < chunk) key = next;
          }
          closeGate.run(orgId);
          return deleted;
        });
        result.readings += n;
        if (done) break;
        await yieldToLoop();
        if (stopped()) return result;
      }
    }
    for (const [key, field] of [
      ['unbound', 'readings'],
      ['positions', 'positions'],
    ] as const) {
      for (;;) {
        const n = host.commits.run(() => {
          openGate.run(orgId, rawCutoff);
          const changes = deletions[key].run(orgId, rawCutoff, chunk).changes;
          closeGate.run(orgId);
          return changes;
        });
        result[field] += n;
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

/** One partial index of telemetry_readings: its key column and the condition that puts a row in it. */
interface ReadingIndex {
  column: 'asset_id' | 'vehicle_id';
  where: string;
}

/** The condition of the unbound index, (org_id, at): with the two below, every row is in one of them. */
export const UNBOUND = 'asset_id IS NULL AND vehicle_id IS NULL';
/**
 * An org's expired unbound rows, a chunk at a time, by a range of the unbound index. `+id`: the
 * newest-row guard must not become a rowid range, which full statistics pick when most rows are
 * expired and which then walks the table. Exported for the plan test.
 */
export const UNBOUND_EXPIRED = `DELETE FROM telemetry_readings WHERE id IN (SELECT id FROM telemetry_readings WHERE org_id = ? AND ${UNBOUND} AND at < ? AND +id < (SELECT max(id) FROM telemetry_readings) LIMIT ?)`;

/** The bound indexes (db/schema/telemetry.ts); a row bound to both an asset and a vehicle is in both. */
export const READING_INDEXES: ReadingIndex[] = [
  { column: 'asset_id', where: 'asset_id IS NOT NULL' },
  { column: 'vehicle_id', where: 'vehicle_id IS NOT NULL' },
];

interface ReadingKey {
  subject: string;
  metric: string;
}

/**
 * Steps through the distinct (subject, metric) keys of one partial index, each step one seek past
 * the previous key, and deletes a key's expired rows through the same index. Exported for the
 * query-plan test, which checks that every statement here seeks its index.
 */
export function readingKeyWalk(host: Pick<Host, 'sqlite'>, ix: ReadingIndex) {
  const c = ix.column;
  const first = host.sqlite.prepare(
    `SELECT ${c} AS subject, metric FROM telemetry_readings WHERE ${ix.where} ORDER BY ${c}, metric LIMIT 1`,
  );
  const after = host.sqlite.prepare(
    `SELECT ${c} AS subject, metric FROM telemetry_readings WHERE ${ix.where} AND (${c}, metric) > (?, ?) ORDER BY ${c}, metric LIMIT 1`,
  );
  const expire = host.sqlite.prepare(
    `DELETE FROM telemetry_readings WHERE id IN (SELECT id FROM telemetry_readings WHERE ${c} = ? AND ${ix.where} AND metric = ? AND at < ? AND org_id = ? AND +id < (SELECT max(id) FROM telemetry_readings) LIMIT ?)`,
  );
  return {
    statements: { first, after, expire },
    next: (key: ReadingKey | undefined) => (key ? after.get(key.subject, key.metric) : first.get()) as ReadingKey | undefined,
    expire: (key: ReadingKey, before: number, orgId: string, limit: number) =>
      expire.run(key.subject, key.metric, before, orgId, limit).changes,
  };
}
