import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Host } from '../core/context.js';
import { DAY_MS, REPLAY_HORIZON_DAYS_DEFAULT } from './contract.js';

export interface CompactionResult {
  /** Change rows deleted. */
  changes: number;
  /** Mutation headers deleted (only those older than the replay horizon). */
  mutations: number;
}

export interface CompactionOptions {
  /** Mutation headers younger than this stay (a crew replay is recognised by them); default 30 days. */
  replayHorizonDays?: number;
  /** Mutations per chunk (one transaction each). */
  chunk?: number;
  /** Checked between chunks: the host is stopping. */
  stopped?: () => boolean;
}

/**
 * Prunes what the hub has acknowledged for one org: the change rows of every mutation with
 * seq <= sync_acks.acked_seq, and those mutations' headers once they are older than the replay
 * horizon (a younger header is how a crew action sent again after days offline is recognised, so
 * it outlives its changes). With no acknowledgement nothing is pruned, ever.
 *
 * Both tables are append-only by trigger (migration 0010); each chunk opens
 * change_compaction_gate for the org up to the chunk's last seq, deletes, and closes the gate before
 * its transaction ends, so nothing else can slip through. Chunks are small transactions with a
 * yield between them, like telemetry retention, so a first run over a long backlog never stalls
 * a write.
 */
export async function compactAcknowledged(host: Host, orgId: string, opts: CompactionOptions = {}): Promise<CompactionResult> {
  const result: CompactionResult = { changes: 0, mutations: 0 };
  const { sqlite } = host;
  const acked = sqlite.prepare('SELECT acked_seq FROM sync_acks WHERE org_id = ?').pluck().get(orgId) as number | undefined;
  if (acked === undefined) return result;
  const chunk = opts.chunk ?? 2000;
  const stopped = opts.stopped ?? (() => false);
  const keepFrom = host.clock.now() - (opts.replayHorizonDays ?? REPLAY_HORIZON_DAYS_DEFAULT) * DAY_MS;
  const nextChunk = sqlite
    .prepare('SELECT max(seq) FROM (SELECT seq FROM mutations WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?)')
    .pluck();
  const openGate = sqlite.prepare('INSERT OR REPLACE INTO change_compaction_gate (org_id, through_seq) VALUES (?, ?)');
  const closeGate = sqlite.prepare('DELETE FROM change_compaction_gate WHERE org_id = ?');
  // `changes` has no org column: its rows are found through this org's headers.
  const dropChanges = sqlite.prepare(
    'DELETE FROM changes WHERE mutation_seq IN (SELECT seq FROM mutations WHERE org_id = ? AND seq > ? AND seq <= ?)',
  );
  const dropHeaders = sqlite.prepare('DELETE FROM mutations WHERE org_id = ? AND seq > ? AND seq <= ? AND at < ?');

  let after = 0;
  for (;;) {
    const through = nextChunk.get(orgId, after, acked, chunk) as number | null;
    if (through === null) break;
    // Host-local bookkeeping (the log itself), not an entity change: so not mutate().
    const done = host.commits.run(() => {
      openGate.run(orgId, through);
      const changes = dropChanges.run(orgId, after, through).changes;
      const mutations = dropHeaders.run(orgId, after, through, keepFrom).changes;
      closeGate.run(orgId);
      return { changes, mutations };
    });
    result.changes += done.changes;
    result.mutations += done.mutations;
    after = through;
    await yieldToLoop();
    if (stopped()) break;
  }
  return result;
}

/** Housekeeping (server/start.ts, hourly): every org the hub has acknowledged anything for. */
export async function compactAll(host: Host, opts: CompactionOptions = {}): Promise<CompactionResult> {
  const total: CompactionResult = { changes: 0, mutations: 0 };
  for (const orgId of host.sqlite.prepare('SELECT org_id FROM sync_acks').pluck().all() as string[]) {
    const r = await compactAcknowledged(host, orgId, opts);
    total.changes += r.changes;
    total.mutations += r.mutations;
    if (opts.stopped?.()) break;
  }
  return total;
}
