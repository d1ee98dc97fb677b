import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/pg.js';
import { startHub } from '../serve.js';
import { checkAppLogin, createAppLogin } from './app-login.js';
import { migrateHub } from './migrate.js';
import { createHubPool, withoutOrg } from './pool.js';

/** The login the hub serves through, attacked as an injected statement would: by dropping the app role. */

let db: TestDatabase;
let appUrl: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateHub(db.url);
  appUrl = await createAppLogin(db.url, { name: 'depotdesk_hub_web_login_test' });
});

afterAll(async () => {
  await db?.drop();
});

async function asLogin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('the app login', () => {
  it('when a statement resets the role, then the login itself can read nothing and cannot switch the policies off', async () => {
    await asLogin(async (c) => {
      await c.query('RESET ROLE');
      await expect(c.query('SELECT count(*) FROM rows')).rejects.toThrow(/permission denied/);
      await expect(c.query('SELECT count(*) FROM hub_accounts')).rejects.toThrow(/permission denied/);
      await expect(c.query('ALTER TABLE rows DISABLE ROW LEVEL SECURITY')).rejects.toThrow(/must be (the )?owner/);
      await expect(c.query('DROP POLICY org_isolation ON rows')).rejects.toThrow(/must be (the )?owner/);
      await expect(c.query('SET ROLE depotdesk_hub_lookup')).rejects.toThrow(/permission denied/);
    });
  });

  it('when the hub serves through it, then requests work as the app role with the org set per transaction', async () => {
    const pool = createHubPool(appUrl, { max: 1 });
    try {
      await checkAppLogin(pool);
      const who = await withoutOrg(
        pool,
        async ({ client }) => (await client.query<{ u: string; s: string }>('SELECT current_user AS u, session_user AS s')).rows[0],
      );
      expect(who).toEqual({ u: 'depotdesk_hub_app', s: 'depotdesk_hub_web_login_test' });
    } finally {
      await pool.end();
    }
  });

  it('when the hub is given the owner (a superuser here) as its app login, then it refuses to start and says why', async () => {
    await expect(startHub({ databaseUrl: db.url, appDatabaseUrl: db.url, port: 0, log: pino({ level: 'silent' }) })).rejects.toThrow(
      /will not serve as .*superuser.*owns .*create-login/s,
    );
  });
});
