import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer, type CheckpointResult } from './checkpointer.js';

describe('the checkpoint thread', () => {
  let dir: string;
  let file: string;
  let sqlite: Database.Database;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpointer-'));
    file = path.join(dir, 'db.sqlite');
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    sqlite.exec('CREATE TABLE t (n INTEGER, pad TEXT)');
  });
  afterEach(() => {
    if (sqlite.open) sqlite.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fill = (rows: number) => {
    const insert = sqlite.prepare("INSERT INTO t (n, pad) VALUES (?, printf('%.500c', 'x'))");
    for (let i = 0; i < rows; i++) insert.run(i);
  };
  const nextCheckpoint = (results: CheckpointResult[], count: number) =>
    new Promise<void>((resolve) => {
      const poll = () => (results.length >= count ? resolve() : setImmediate(poll));
      poll();
    });

  it('when the host has written with autocheckpoint off, then the thread copies the WAL into the database and the next write restarts the WAL', async () => {
    fill(2_000);
    const walPages = () => (sqlite.pragma('wal_checkpoint(PASSIVE)', { simple: false }) as { log: number }[])[0]!.log;
    const results: CheckpointResult[] = [];
    const errors: string[] = [];
    const checkpointer = startCheckpointer(file, {
      intervalMs: 60_000,
      onCheckpoint: (r) => results.push(r),
      onError: (m) => errors.push(m),
    });
    try {
      checkpointer.now();
      await nextCheckpoint(results, 1);
      expect(errors).toEqual([]);
      expect(results[0]!.mode).toBe('PASSIVE');
      expect(results[0]!.log).toBeGreaterThan(100);
      expect(results[0]!.checkpointed).toBe(results[0]!.log);
      // Everything is in the database: the next writer starts the WAL over instead of growing it.
      sqlite.prepare('INSERT INTO t (n) VALUES (-1)').run();
      expect(walPages()).toBeLessThan(10);
    } finally {
      checkpointer.stop();
    }
  });

  it('when the WAL has grown past the restart size, then the thread runs a RESTART checkpoint', async () => {
    fill(500);
    const results: CheckpointResult[] = [];
    const checkpointer = startCheckpointer(file, { intervalMs: 60_000, restartBytes: 1, onCheckpoint: (r) => results.push(r) });
    try {
      checkpointer.now();
      await nextCheckpoint(results, 1);
      expect(results[0]!.mode).toBe('RESTART');
      expect(results[0]!.busy).toBe(0);
    } finally {
      checkpointer.stop();
    }
  });

  it('when stopped, then its connection is closed before stop() returns, so the host closing last removes the WAL', () => {
    fill(10);
    const checkpointer = startCheckpointer(file, { intervalMs: 60_000 });
    checkpointer.stop();
    sqlite.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    expect(new Database(file, { readonly: true }).prepare('SELECT count(*) FROM t').pluck().get()).toBe(10);
  });
});
