import path from 'node:path';
import pino, { type Logger } from 'pino';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../db/client.js';
import { hostSettings } from '../db/schema/index.js';
import { ChangeBus } from './core/change-bus.js';
import { systemClock, type Clock } from './core/clock.js';
import type { Host } from './core/context.js';
import { Hlc } from './core/hlc.js';
import { newId } from './core/ids.js';
import { createMetrics } from './core/metrics.js';
import { GroupCommit } from './core/group-commit.js';
import { ensureEpoch } from './backups/epoch.js';
import { logRepair, securePrivateTree } from './core/private-files.js';

export interface HostOptions {
  dataDir: string;
  clock?: Clock;
  log?: Logger;
  migrationsFolder?: string;
}

export const DB_FILE = 'depotdesk.sqlite';

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

  // This depot's identity is made once and kept: every change-log row names its origin.
  let depotId = db.select().from(hostSettings).where(eq(hostSettings.key, 'depot_node_id')).get()?.value as string | undefined;
  if (!depotId) {
    depotId = newId();
    db.insert(hostSettings).values({ key: 'depot_node_id', value: depotId }).run();
  }
  const epoch = ensureEpoch(sqlite);
  const lastHlc = sqlite.prepare('SELECT hlc FROM change_log ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined;
  const hlc = new Hlc(depotId, clock, lastHlc ?? null);

  const metrics = createMetrics();
  const commits = new GroupCommit(
    sqlite,
    () => metrics.busyRetries.inc(),
    (err) => log.error({ err }, 'commit failed; the batch was rolled back'),
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
        // SQLite's advice for long-lived connections: refresh planner statistics that drifted.
        sqlite.pragma('optimize');
        sqlite.close();
      }
    },
  };
}
