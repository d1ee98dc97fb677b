import type { Sqlite } from '../../db/client.js';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const BUSY_RETRIES = 20;

/**
 * Group commit. With `synchronous = FULL` every COMMIT waits for the disk, which would cap the
 * host at a few hundred writes a second. Instead, the mutations that run in one turn of the event
 * loop share one transaction: each is its own SAVEPOINT (so one failing mutation rolls back only
 * itself), and the batch COMMITs once, on `setImmediate`. Callers that acknowledge a write to a
 * client (HTTP responses) first `await durable()`, so nothing is acknowledged before it is on disk,
 * and change notifications go out only after the COMMIT.
 */
export class GroupCommit {
  private open = false;
  private afterCommit: (() => void)[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private lastError: unknown = null;

  constructor(
    private readonly sqlite: Sqlite,
    private readonly onBusyRetry: () => void,
    private readonly onCommitError: (err: unknown) => void = () => {},
    /**
     * Runs once per batch, inside it, just before COMMIT (the host persists its HLC high-water mark
     * here: one write per batch instead of one per mutation). A throw loses the batch like a failed COMMIT.
     */
    private readonly beforeCommit: () => void = () => {},
  ) {}

  /** Runs `fn` as one atomic unit inside the current batch, opening a batch if none is open. */
  run<T>(fn: () => T): T {
    if (!this.open) this.begin();
    // better-sqlite3 turns a transaction function called inside an open transaction into a
    // SAVEPOINT: a throw rolls back just this mutation and leaves the batch usable.
    return this.sqlite.transaction(fn)();
  }

  /** Schedules work (realtime publication) for after the batch is durably committed. */
  onCommitted(action: () => void): void {
    if (this.open) this.afterCommit.push(action);
    else action();
  }

  /** Resolves once everything written so far is committed to disk; rejects if that commit failed. */
  durable(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Commits now (shutdown, tests, CLI tools that exit without yielding to the event loop). */
  flush(): void {
    if (this.open) this.commit();
  }

  get lastCommitError(): unknown {
    return this.lastError;
  }

  private begin(): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.sqlite.exec('BEGIN IMMEDIATE');
        break;
      } catch (err) {
        if (!isBusy(err) || attempt >= BUSY_RETRIES) throw err;
        this.onBusyRetry();
      }
    }
    this.open = true;
    setImmediate(() => this.commit());
  }

  private commit(): void {
    if (!this.open) return;
    this.open = false;
    const actions = this.afterCommit;
    const waiters = this.waiters;
    this.afterCommit = [];
    this.waiters = [];
    try {
      this.beforeCommit();
      this.sqlite.exec('COMMIT');
    } catch (err) {
      // The batch is lost as a whole (disk full, I/O error): nobody was told it succeeded yet.
      this.lastError = err;
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      this.onCommitError(err);
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const action of actions) action();
    for (const w of waiters) w.resolve();
  }
}
