import type { ChangeMessage } from '../core/change-bus.js';
import type { Host } from '../core/context.js';

/**
 * The one way the depot writes what the hub sent (a pull page, a push answer): one SQLite
 * transaction of its own, committed and synced before it returns, and then one realtime message so
 * open consoles refetch, as mutate() does for local writes.
 *
 * Why not a savepoint in the group commit like mutate(): the hub's pages are current state in version
 * order, not history, so a row can arrive before a row it references (a work order at version 2 whose
 * location was edited at version 3 comes first; across pages the location is not even in the same
 * transaction). Foreign keys are therefore off while the hub's rows are written, which SQLite allows
 * only outside a transaction: the open batch is committed first, and ours is committed before any other
 * mutation runs (all of this is synchronous), so no local write ever runs without its foreign keys.
 * A reference can stay dangling until the page that brings its row; readers join with LEFT JOIN.
 *
 * `temp.sync_applying` holds a row for exactly as long as the hub's rows are being written. The test
 * write census (server/testing/write-census.ts) counts writes made under it as received rather than
 * as writes that escaped the change log, and fails a test if a change row is written under it or the
 * marker outlives its transaction.
 */

export const SYNC_MARKER_DDL = 'CREATE TEMP TABLE IF NOT EXISTS sync_applying (reason TEXT NOT NULL)';

/** Realtime for what was applied: tables and rows, like mutate()'s message. */
export interface Touched {
  tables: Set<string>;
  changes: ChangeMessage['data']['changes'];
}

/** Past this many rows a message names the tables only: a snapshot page must not flood every socket. */
const MAX_CHANGES_IN_MESSAGE = 500;

export function runSyncApply<T>(host: Host, orgId: string, type: string, reason: string, fn: (touched: Touched) => T): T {
  const { sqlite } = host;
  host.commits.flush();
  if (sqlite.inTransaction) throw new Error('a sync apply cannot run inside another transaction');
  sqlite.exec(SYNC_MARKER_DDL);
  // GroupCommit reports a failed COMMIT or fsync through lastCommitError rather than a throw.
  const errorBefore = host.commits.lastCommitError;
  const touched: Touched = { tables: new Set(), changes: [] };
  sqlite.pragma('foreign_keys = OFF');
  let result: T;
  try {
    const work = () => {
      sqlite.prepare('INSERT INTO temp.sync_applying (reason) VALUES (?)').run(reason);
      const out = fn(touched);
      sqlite.prepare('DELETE FROM temp.sync_applying').run();
      return out;
    };
    // A transaction of its own, not a savepoint of a group-commit batch: inside a savepoint SQLite
    // keeps the original of every page it changes for a rollback to it, which halved the apply rate
    // (bench/depot-apply.ts: 7.1-7.9k against 14.9-15.3k changes/s on the small demo's log).
    result = sqlite.transaction(work).immediate();
    // An empty batch through the group commit, committed and fsynced now: the fsync covers our
    // commit (it came first in the same WAL), its beforeCommit stores the clock's high-water mark,
    // and realtime below waits for it like every other write's.
    host.commits.run(() => {});
    host.commits.flush();
  } finally {
    if (sqlite.inTransaction) host.commits.flush();
    sqlite.pragma('foreign_keys = ON');
  }
  if (host.commits.lastCommitError !== errorBefore) throw host.commits.lastCommitError;
  if (touched.tables.size > 0) {
    const many = touched.changes.length > MAX_CHANGES_IN_MESSAGE;
    const message: ChangeMessage = {
      type,
      orgId,
      data: { tables: [...touched.tables], changes: many ? [] : touched.changes, ...(many ? { truncated: true } : {}) },
      at: new Date(host.clock.now()).toISOString(),
    };
    host.commits.onCommitted(() => host.bus.publish(message));
  }
  return result;
}
