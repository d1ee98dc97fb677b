import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { perConnection } from './per-connection.js';

describe('perConnection', () => {
  it('builds once per connection and never hands one connection another connection’s value', () => {
    let builds = 0;
    const version = perConnection((sqlite: Database.Database) => {
      builds++;
      return sqlite.prepare('SELECT sqlite_version()').pluck();
    });
    const a = new Database(':memory:');
    const b = new Database(':memory:');
    try {
      expect(version(a)).toBe(version(a));
      expect(version(b)).not.toBe(version(a));
      expect(version(b).database).toBe(b);
      expect(builds).toBe(2);
    } finally {
      a.close();
      b.close();
    }
  });
});
