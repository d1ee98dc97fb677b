import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit, type WalSyncer } from './group-commit.js';

/** A WAL syncer the test completes by hand, recording how many commits each sync could cover. */
class ManualSyncer implements WalSyncer {
  readonly pending: { resolve: () => void; reject: (err: Error) => void }[] = [];
  syncNowCalls = 0;
  sync(): Promise<void> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  syncNow(): void {
    this.syncNowCalls++;
  }
  complete(): void {
    this.pending.shift()?.resolve();
  }
  failNext(err: Error): void {
    this.pending.shift()?.reject(err);
  }
}

/** Resolves after the batch opened in this turn has committed (GroupCommit commits on setImmediate). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('group commit with a WAL syncer', () => {
  let dir: string;
  let sqlite: Database.Database;
  let syncer: ManualSyncer;
  let commits: GroupCommit;
  let errors: unknown[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
    sqlite = new Database(path.join(dir, 'db.sqlite'));
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.exec('CREATE TABLE t (n INTEGER)');
    syncer = new ManualSyncer();
    errors = [];
    commits = new GroupCommit(sqlite, { wal: syncer, onCommitError: (err) => errors.push(err) });
  });
  afterEach(() => {
    sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (n: number) => commits.run(() => sqlite.prepare('INSERT INTO t (n) VALUES (?)').run(n));
  const settled = (p: Promise<void>) => {
    const state = { done: false, failed: null as unknown };
    p.then(
      () => (state.done = true),
      (err: unknown) => (state.failed = err),
    );
    return state;
  };

  it('when a batch has committed, then it is acknowledged and published only after the WAL sync completes', async () => {
    const published: string[] = [];
    write(1);
    commits.onCommitted(() => published.push('batch 1'));
    const ack = settled(commits.durable());
    await nextTurn();
    // Committed (a second connection could read it) but not yet on disk: nobody has been told.
    expect(sqlite.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    expect(syncer.pending).toHaveLength(1);
    await nextTurn();
    expect(ack.done).toBe(false);
    expect(published).toEqual([]);
    syncer.complete();
    await nextTurn();
    expect(ack.done).toBe(true);
    expect(published).toEqual(['batch 1']);
    expect(commits.unsyncedCommits).toBe(0);
  });

  it('when a batch commits while a sync is in flight, then it waits for the next sync, which covers every batch since', async () => {
    write(1);
    const first = settled(commits.durable());
    await nextTurn();
    write(2);
    const second = settled(commits.durable());
    await nextTurn();
    write(3);
    const third = settled(commits.durable());
    await nextTurn();
    // One sync in flight (batch 1); batches 2 and 3 committed behind it.
    expect(syncer.pending).toHaveLength(1);
    expect(commits.unsyncedCommits).toBe(3);
    syncer.complete();
    await nextTurn();
    expect(first.done).toBe(true);
    // That fsync may have started before batches 2 and 3 were written: they are not acknowledged by it.
    expect(second.done).toBe(false);
    expect(third.done).toBe(false);
    expect(syncer.pending).toHaveLength(1);
    syncer.complete();
    await nextTurn();
    expect(second.done).toBe(true);
    expect(third.done).toBe(true);
  });

  it('when durable() is asked after a commit whose sync is still running, then it waits for that sync', async () => {
    write(1);
    await nextTurn();
    const late = settled(commits.durable());
    await nextTurn();
    expect(late.done).toBe(false);
    syncer.complete();
    await nextTurn();
    expect(late.done).toBe(true);
    // Nothing unsynced: a fresh durable() is already satisfied.
    const idle = settled(commits.durable());
    await nextTurn();
    expect(idle.done).toBe(true);
  });

  it('when a WAL sync fails, then the batches it covered are refused, the error is reported, and later batches still succeed', async () => {
    write(1);
    const lost = settled(commits.durable());
    await nextTurn();
    write(2);
    const later = settled(commits.durable());
    await nextTurn();
    syncer.failNext(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await nextTurn();
    expect(lost.done).toBe(false);
    expect((lost.failed as Error).message).toMatch(/EIO/);
    expect(errors).toHaveLength(1);
    expect(commits.lastCommitError).toBe(errors[0]);
    // Batch 2 was committed after the failed sync started: it gets a sync of its own.
    expect(later.failed).toBe(null);
    syncer.complete();
    await nextTurn();
    expect(later.done).toBe(true);
  });

  it('when flush() is called, then the open batch commits and is synced before it returns', () => {
    const published: number[] = [];
    write(7);
    commits.onCommitted(() => published.push(7));
    commits.flush();
    expect(syncer.syncNowCalls).toBe(1);
    expect(published).toEqual([7]);
    expect(commits.unsyncedCommits).toBe(0);
    // Nothing left to do: a second flush does not sync again.
    commits.flush();
    expect(syncer.syncNowCalls).toBe(1);
  });

  it('when a COMMIT fails, then only that batch is refused and its changes are gone', async () => {
    const failing = new GroupCommit(sqlite, {
      wal: syncer,
      onCommitError: (err) => errors.push(err),
      beforeCommit: () => {
        throw new Error('disk full');
      },
    });
    failing.run(() => sqlite.prepare('INSERT INTO t (n) VALUES (?)').run(9));
    const ack = settled(failing.durable());
    const published: number[] = [];
    failing.onCommitted(() => published.push(9));
    await nextTurn();
    await nextTurn();
    expect((ack.failed as Error).message).toBe('disk full');
    expect(published).toEqual([]);
    expect(syncer.pending).toHaveLength(0);
    expect(sqlite.prepare('SELECT count(*) FROM t WHERE n = 9').pluck().get()).toBe(0);
  });
});

describe('group commit without a WAL syncer (synchronous = FULL)', () => {
  it('when a batch commits, then it is acknowledged at COMMIT', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'group-commit-'));
    const sqlite = new Database(path.join(dir, 'db.sqlite'));
    try {
      sqlite.pragma('journal_mode = WAL');
      sqlite.exec('CREATE TABLE t (n INTEGER)');
      const commits = new GroupCommit(sqlite);
      commits.run(() => sqlite.prepare('INSERT INTO t (n) VALUES (1)').run());
      let done = false;
      void commits.durable().then(() => (done = true));
      expect(done).toBe(false);
      await nextTurn();
      await nextTurn();
      expect(done).toBe(true);
    } finally {
      sqlite.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
