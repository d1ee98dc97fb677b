import path from 'node:path';
import pino, { type Logger } from 'pino';
import { openDatabase } from '../db/client.js';
import { ChangeBus } from './core/change-bus.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Host } from './core/context.js';
import { Hlc } from './core/hlc.js';
import { newId } from './core/ids.js';
import { createMetrics } from './core/metrics.js';
import { GroupCommit } from './core/group-commit.js';
import { startCheckpointer, type Checkpointer } from './core/checkpointer.js';
import { walSyncer } from './core/wal-sync.js';
import { openNodeState } from './core/node-state-store.js';
import { HLC_HIGH_KEY } from './core/node-state.js';
import { logRepair, securePrivateTree } from './core/private-files.js';
import { restoreIndexes } from './sync/snapshot-indexes.js';

export interface HostOptions {
  dataDir: string;
  clock?: Clock;
  log?: Logger;
  migrationsFolder?: string;
  /** A remote HLC stamp further ahead of this clock than this is refused (DEPOTDESK_HLC_MAX_DRIFT_MS). */
  hlcMaxDriftMs?: number;
}

export const DB_FILE = 'depotdesk.sqlite';
/** Durable batches before the checkpoint thread starts (until then the WAL holds at most this many). */
const CHECKPOINTER_AFTER_SYNCS = 32;
/**
 * WAL frames (4 KiB pages) past which the host finishes a checkpoint itself between batches (64 MiB,
 * the journal_size_limit). It blocks the event loop for the frames the thread has not copied yet
 * (≤ 100 ms of writes) and two fsyncs: measured ~10 ms, once per 64 MiB of WAL under sustained writes.
 */
const CATCH_UP_FRAMES = 16_384;
/** host_settings key of the HLC high-water mark (a JSON string stamp). */
export { HLC_HIGH_KEY };

/** Opens (and migrates) the depot's database and assembles the shared services. */
export function createHost(opts: HostOptions): Host & { backupPath: string | null; close(): void } {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? pino({ level: 'silent' });
  // Before the database opens, so it, its WAL and everything written later are private (0600).
  logRepair(log, opts.dataDir, securePrivateTree(opts.dataDir));
  const opened = openDatabase(path.join(opts.dataDir, DB_FILE), { migrationsFolder: opts.migrationsFolder, now: () => clock.now() });
  const { db, sqlite } = opened;
  if (opened.backupPath) log.info({ backup: opened.backupPath }, 'database backed up before migrating');
  if (opened.auditRowsChained)
    log.info({ rows: opened.auditRowsChained }, 'audit rows from before the hash chain were chained (once, in insertion order)');
  // A snapshot from the hub that stopped half way left its tables without their secondary indexes.
  const rebuilt = restoreIndexes(sqlite);
  if (rebuilt) log.info({ indexes: rebuilt }, 'indexes dropped for an unfinished sync snapshot were built again');

  // Who this database is and in which epoch: carried on, restored, behind this data dir's
  // high-water marks or copied from elsewhere (server/core/node-state.ts decides; the store records
  // the node_epochs row and raises seq and counters past everything used before).
  const node = openNodeState({
    sqlite,
    dataDir: opts.dataDir,
    dbFile: path.join(opts.dataDir, DB_FILE),
    now: clock.now(),
    log,
    newNodeId: newId,
  });
  const depotId = node.decision.nodeId;
  const epoch = node.decision.epoch;
  // The clock resumes from the later of the persisted high-water mark, the last logged stamp and the
  // sidecar's mark (compaction empties the log; a restored file may lag the sidecar): the decision
  // already read all three.
  const startHlc = node.decision.hlcHigh;
  const metrics = createMetrics();
  const hlc = new Hlc(depotId, clock, startHlc, {
    ...(opts.hlcMaxDriftMs === undefined ? {} : { maxDriftMs: opts.hlcMaxDriftMs }),
    onRefused: (err) => {
      metrics.hlcRefused.inc();
      log.warn({ err }, 'a clock stamp too far ahead was refused');
    },
  });

  const saveHlcHigh = sqlite.prepare(
    'INSERT INTO host_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  let savedHlc = startHlc;
  // COMMIT writes the WAL; the fsync that makes it durable runs on the thread pool before anything
  // is acknowledged (server/core/group-commit.ts), and checkpoints run on their own thread.
  const dbFile = path.join(opts.dataDir, DB_FILE);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('wal_autocheckpoint = 0');
  // After a checkpoint has caught up, the WAL file shrinks back to this instead of keeping its peak size.
  sqlite.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  const wal = walSyncer(dbFile);
  const commits = new GroupCommit(sqlite, {
    onBusyRetry: () => metrics.busyRetries.inc(),
    onCommitError: (err) => log.error({ err }, 'commit or WAL sync failed; the batch was not acknowledged'),
    beforeCommit: () => {
      // Once per batch, in it: a stamp is never committed without its high-water mark.
      const high = hlc.last();
      if (high !== null && high !== savedHlc) {
        saveHlcHigh.run(HLC_HIGH_KEY, JSON.stringify(high));
        savedHlc = high;
      }
    },
    wal,
    onSynced: (ms) => {
      metrics.walSync.observe(ms / 1000);
      // Started once the host has written a little: a host opened for a moment (tools, tests) never
      // needs one, and a thread's start-up is not free.
      if (checkpointer === null && ++syncs >= CHECKPOINTER_AFTER_SYNCS) checkpointer = startCheckpointing();
      // Under steady writes the thread's PASSIVE checkpoints never quite catch up (frames keep
      // arriving while they run), so the WAL never restarts and would grow until the thread's
      // RESTART. Between batches this connection is the only writer: a PASSIVE here copies the few
      // frames the thread has not, and the next write starts the WAL over.
      if (walFrames > CATCH_UP_FRAMES && !sqlite.inTransaction) {
        const t0 = performance.now();
        const r = (sqlite.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[])[0];
        metrics.checkpoints.observe({ mode: 'CATCH_UP' }, (performance.now() - t0) / 1000);
        walFrames = r ? r.log - r.checkpointed : 0;
      }
    },
  });
  let syncs = 0;
  /** WAL frames at the checkpoint thread's last report. */
  let walFrames = 0;
  let checkpointer: Checkpointer | null = null;
  const startCheckpointing = () =>
    startCheckpointer(dbFile, {
      intervalMs: 100,
      onCheckpoint: (r) => {
        walFrames = r.log;
        metrics.checkpoints.observe({ mode: r.mode }, r.ms / 1000);
        metrics.walFrames.set({ state: 'total' }, r.log);
        metrics.walFrames.set({ state: 'pending' }, r.log - r.checkpointed);
      },
      onError: (message) => log.warn({ message }, 'WAL checkpoint failed; the next one retries'),
    });
  return {
    db,
    sqlite,
    commits,
    clock,
    hlc,
    depotId,
    bus: new ChangeBus(),
    log,
    metrics,
    dataDir: opts.dataDir,
    epoch,
    backupPath: opened.backupPath,
    close() {
      if (sqlite.open) {
        commits.flush();
        checkpointer?.stop();
        wal.close();
        // After the last batch, before the database closes: the sidecar matches what is committed.
        node.keeper.stop();
        // SQLite's advice for long-lived connections: refresh planner statistics that drifted.
        sqlite.pragma('optimize');
        sqlite.close();
      }
    },
  };
}
