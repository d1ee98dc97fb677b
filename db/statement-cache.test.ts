import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cacheStatements } from './statement-cache.js';

describe('statement cache', () => {
  it('when the same SQL is prepared twice, then the compiled statement is reused with fresh modes', () => {
    const db = new Database(':memory:');
    db.exec("CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    cacheStatements(db);
    const first = db.prepare('SELECT a, b FROM t ORDER BY a');
    expect(first.pluck().all()).toEqual([1, 2]);
    const second = db.prepare('SELECT a, b FROM t ORDER BY a');
    expect(second).toBe(first);
    // A reused statement must not keep the previous caller's pluck mode.
    expect(second.all()).toEqual([
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ]);
  });

  it('when a cached statement is busy iterating, then a fresh one is handed out', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2), (3)');
    cacheStatements(db);
    const outer = db.prepare('SELECT a FROM t ORDER BY a');
    const seen: number[][] = [];
    for (const row of outer.iterate() as Iterable<{ a: number }>) {
      const inner = db.prepare('SELECT a FROM t ORDER BY a');
      expect(inner).not.toBe(outer);
      seen.push([row.a, (inner.all() as { a: number }[]).length]);
    }
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});
