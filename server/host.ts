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
import { openNodeState } from './core/node-state-store.js';
import { HLC_HIGH_KEY } from './core/node-state.js';
import { logRepair, securePrivateTree } from './core/private-files.js';

export interface HostOptions {
  dataDir: string;
  clock?: Clock;
  log?: Logger;
  migrationsFolder?: string;
  /** A remote HLC stamp further ahead of this clock than this is refused (DEPOTDESK_HLC_MAX_DRIFT_MS). */
  hlcMaxDriftMs?: number;
}

export const DB_FILE = 'depotdesk.sqlite';
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
  const commits = new GroupCommit(
    sqlite,
    () => metrics.busyRetries.inc(),
    (err) => log.error({ err }, 'commit failed; the batch was rolled back'),
    () => {
      // Once per batch, in it: a stamp is never committed without its high-water mark.
      const high = hlc.last();
      if (high !== null && high !== savedHlc) {
        saveHlcHigh.run(HLC_HIGH_KEY, JSON.stringify(high));
        savedHlc = high;
      }
    },
  );

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
        // After the last batch, before the database closes: the sidecar matches what is committed.
        node.keeper.stop();
        // SQLite's advice for long-lived connections: refresh planner statistics that drifted.
        sqlite.pragma('optimize');
        sqlite.close();
      }
    },
  };
}
