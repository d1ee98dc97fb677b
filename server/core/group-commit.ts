import type { Sqlite } from '../../db/client.js';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const BUSY_RETRIES = 20;

/**
 * Makes committed WAL frames durable. `sync` runs off the event loop (the libuv thread pool);
 * `syncNow` blocks, for shutdown and tools that exit without yielding.
 */
export interface WalSyncer {
  sync(): Promise<void>;
  syncNow(): void;
}

interface Waiter {
  /** Durable once every commit up to this generation is synced. */
  gen: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  onBusyRetry?: () => void;
  onCommitError?: (err: unknown) => void;
  /**
   * Runs once per batch, inside it, just before COMMIT (the host persists its HLC high-water mark
   * here: one write per batch instead of one per mutation). A throw loses the batch like a failed COMMIT.
   */
  beforeCommit?: () => void;
  /**
   * With a syncer the connection runs `synchronous = NORMAL` and COMMIT only writes the WAL; the
   * fsync that makes a batch durable runs on the thread pool while the event loop goes on serving
   * (measured: a synchronous COMMIT held the main thread for 23 % of the transition load). Without
   * one, COMMIT itself waits for the disk (`synchronous = FULL`).
   */
  wal?: WalSyncer;
  /** Called with each completed WAL sync's duration in ms (metrics). */
  onSynced?: (ms: number) => void;
}

/**
 * Group commit. Every write must be on disk before a client hears "ok", which would cap the host
 * at a few hundred writes a second if each one waited for the disk on its own. Instead, the
 * mutations that run in one turn of the event loop share one transaction: each is its own SAVEPOINT
 * (so one failing mutation rolls back only itself), and the batch COMMITs once, on `setImmediate`.
 * Callers that acknowledge a write to a client (HTTP responses) first `await durable()`, and change
 * notifications go out only once the batch is durable.
 *
 * With a WAL syncer, commits and syncs pipeline: while one fsync is in flight the next batches
 * commit, and the following fsync covers all of them. A batch is acknowledged only after an fsync
 * that started after its COMMIT, which is exactly what `synchronous = FULL` guaranteed.
 */
export class GroupCommit {
  private open = false;
  /** Generation of the last COMMIT; the open batch will be `committed + 1`. */
  private committed = 0;
  /** Every commit up to this generation is on disk. */
  private synced = 0;
  private syncing = false;
  private afterDurable: { gen: number; action: () => void }[] = [];
  private waiters: Waiter[] = [];
  private lastError: unknown = null;
  private readonly opts: GroupCommitOptions;

  constructor(
    private readonly sqlite: Sqlite,
    opts: GroupCommitOptions = {},
  ) {
    this.opts = opts;
  }

  /** Runs `fn` as one atomic unit inside the current batch, opening a batch if none is open. */
  run<T>(fn: () => T): T {
    if (!this.open) this.begin();
    // better-sqlite3 turns a transaction function called inside an open transaction into a
    // SAVEPOINT: a throw rolls back just this mutation and leaves the batch usable.
    return this.sqlite.transaction(fn)();
  }

  /** Schedules work (realtime publication) for after the current batch is durable. */
  onCommitted(action: () => void): void {
    const gen = this.latestGen;
    if (gen <= this.synced) action();
    else this.afterDurable.push({ gen, action });
  }

  /** Resolves once everything written so far is on disk; rejects if that commit or sync failed. */
  durable(): Promise<void> {
    const gen = this.latestGen;
    if (gen <= this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ gen, resolve, reject }));
  }

  /** Commits and syncs now, blocking (shutdown, tests, CLI tools that exit without yielding to the event loop). */
  flush(): void {
    if (this.open) this.commit();
    if (this.synced < this.committed && this.opts.wal) {
      const upTo = this.committed;
      const t0 = performance.now();
      try {
        this.opts.wal.syncNow();
      } catch (err) {
        this.syncFailed(upTo, err);
        return;
      }
      this.opts.onSynced?.(performance.now() - t0);
      this.settle(upTo);
    }
  }

  /** The generation of everything written so far: the open batch's, or the last commit's. */
  private get latestGen(): number {
    return this.open ? this.committed + 1 : this.committed;
  }

  get lastCommitError(): unknown {
    return this.lastError;
  }

  /** Commits not yet known to be on disk (0 when idle); for metrics and tests. */
  get unsyncedCommits(): number {
    return this.committed - this.synced;
  }

  private begin(): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.sqlite.exec('BEGIN IMMEDIATE');
        break;
      } catch (err) {
        if (!isBusy(err) || attempt >= BUSY_RETRIES) throw err;
        this.opts.onBusyRetry?.();
      }
    }
    this.open = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    if (!this.open) return;
    this.open = false;
    const gen = this.committed + 1;
    try {
      this.opts.beforeCommit?.();
      this.sqlite.exec('COMMIT');
    } catch (err) {
      // The batch is lost as a whole (disk full, I/O error): nobody was told it succeeded yet.
      this.lastError = err;
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      this.opts.onCommitError?.(err);
      this.fail((g) => g === gen, err);
      // Later waiters (none can exist yet) and earlier ones keep their own fate.
      return;
    }
    this.committed = gen;
    if (!this.opts.wal) this.settle(gen);
    else this.startSync();
  }

  private startSync(): void {
    const wal = this.opts.wal;
    if (!wal || this.syncing || this.synced >= this.committed) return;
    this.syncing = true;
    const upTo = this.committed;
    const t0 = performance.now();
    wal.sync().then(
      () => {
        this.syncing = false;
        this.opts.onSynced?.(performance.now() - t0);
        this.settle(upTo);
        this.startSync();
      },
      (err: unknown) => {
        this.syncing = false;
        this.syncFailed(upTo, err);
        this.startSync();
      },
    );
  }

  /**
   * An fsync failed: the batches it covered are committed in SQLite but their durability is unknown
   * (after a failed fsync Linux may drop the dirty pages), so nobody is told they succeeded. Later
   * batches get a sync of their own.
   */
  private syncFailed(upTo: number, err: unknown): void {
    this.lastError = err;
    this.opts.onCommitError?.(err);
    this.synced = Math.max(this.synced, upTo);
    this.fail((g) => g <= upTo, err);
  }

  private settle(upTo: number): void {
    this.synced = Math.max(this.synced, upTo);
    const due = this.afterDurable.filter((a) => a.gen <= upTo);
    this.afterDurable = this.afterDurable.filter((a) => a.gen > upTo);
    const ready = this.waiters.filter((w) => w.gen <= upTo);
    this.waiters = this.waiters.filter((w) => w.gen > upTo);
    for (const a of due) a.action();
    for (const w of ready) w.resolve();
  }

  private fail(match: (gen: number) => boolean, err: unknown): void {
    this.afterDurable = this.afterDurable.filter((a) => !match(a.gen));
    const failed = this.waiters.filter((w) => match(w.gen));
    this.waiters = this.waiters.filter((w) => !match(w.gen));
    for (const w of failed) w.reject(err);
  }
}
