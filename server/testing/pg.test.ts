import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './pg.js';

describe('the test PostgreSQL cluster', () => {
  it('when a file asks for a database, then it gets its own empty one on a running server, and drop removes it', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; n: string }>(
      "SELECT current_database() AS db, count(*)::text AS n FROM pg_tables WHERE schemaname = 'public'",
    );
    await client.end();
    expect(rows[0]).toEqual({ db: db.name, n: '0' });
    await db.drop();
    const again = new pg.Client({ connectionString: db.url });
    await expect(again.connect()).rejects.toThrow(/does not exist/);
    await again.end().catch(() => {});
  });
});
