import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/pg.js';
import { migrateHub } from './migrate.js';
import { createHubPool, withOrg, withoutOrg } from './pool.js';
import { accountByEmail, nodeByCredentialHash } from './lookups.js';
import { hubAccounts, hubOrgs, nodes } from './schema.js';

/** Every table with org_id, and hub_orgs (by id): the policies must cover exactly these. */
const ORG_TABLES = [
  'hub_accounts',
  'hub_sessions',
  'enrolment_codes',
  'nodes',
  'node_streams',
  'org_versions',
  'applied_mutations',
  'rows',
  'facts',
  'batch_rows',
  'conflicts',
  'blobs',
  'blob_parts',
];

let db: TestDatabase;
let pool: pg.Pool;
let su: pg.Client;
const A = randomUUID();
const B = randomUUID();
const nodeA = randomUUID();
const nodeB = randomUUID();

/** One row of every table for an org, written as the superuser (RLS does not bind it). */
async function seedOrg(org: string, node: string, tag: string): Promise<void> {
  const q = (text: string, values: unknown[] = []) => su.query(text, values);
  await q('INSERT INTO hub_orgs (id, name, slug, created_at) VALUES ($1, $2, $2, 1)', [org, tag]);
  await q(`INSERT INTO hub_accounts (id, org_id, email, name, role, password_hash, created_at) VALUES ($1, $2, $3, 'x', 'admin', 'h', 1)`, [
    randomUUID(),
    org,
    `${tag}@example.test`,
  ]);
  await q(`INSERT INTO hub_sessions (id, org_id, account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $1, $3, 1, 2)`, [
    randomUUID(),
    org,
    `tok-${tag}`,
  ]);
  await q(`INSERT INTO enrolment_codes (id, org_id, code_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $1, 1, 2)`, [
    randomUUID(),
    org,
    `code-${tag}`,
  ]);
  await q(
    `INSERT INTO nodes (org_id, id, depot_code, depot_name, credential_hash, software_version, schema, state, enrolled_at)
     VALUES ($1, $2, $3, $3, $4, '1', 1, 'active', 1)`,
    [org, node, tag, `cred-${tag}`],
  );
  await q('INSERT INTO node_streams (org_id, node_id, epoch, acked_seq) VALUES ($1, $2, 1, 5)', [org, node]);
  await q('INSERT INTO org_versions (org_id, version) VALUES ($1, 7)', [org]);
  await q(
    `INSERT INTO applied_mutations (org_id, id, node_id, epoch, seq, hlc, action, outcome, result, applied_at)
     VALUES ($1, $2, $3, 1, 1, 'h', 'a', 'applied', '{}', 1)`,
    [org, randomUUID(), node],
  );
  await q(`INSERT INTO rows (org_id, tbl, row_id, fields, clocks, versions, version) VALUES ($1, 'skills', $2, '{}', '{}', '{}', 1)`, [
    org,
    tag,
  ]);
  await q(`INSERT INTO facts (org_id, tbl, row_id, fields, version, node_id) VALUES ($1, 'audit_log', $2, '{}', 1, $3)`, [org, tag, node]);
  await q(`INSERT INTO batch_rows (org_id, tbl, node_id, epoch, local_id, fields, version) VALUES ($1, 'readings', $2, 1, 1, '{}', 1)`, [
    org,
    node,
  ]);
  await q(`INSERT INTO blobs (org_id, sha256, size, created_at) VALUES ($1, $2, 1, 1)`, [org, `sha-${tag}`]);
  await q(`INSERT INTO blob_parts (org_id, sha256, "offset", data) VALUES ($1, $2, 0, '\\x00')`, [org, `sha-${tag}`]);
  await q(`INSERT INTO conflicts (org_id, id, mutation_id, node_id, tbl, row_id, code, at) VALUES ($1, $2, $2, $3, 'skills', $4, 'c', 1)`, [
    org,
    randomUUID(),
    node,
    tag,
  ]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateHub(db.url);
  su = new pg.Client({ connectionString: db.url });
  await su.connect();
  await seedOrg(A, nodeA, 'a');
  await seedOrg(B, nodeB, 'b');
  pool = createHubPool(db.url, { max: 3 });
});

afterAll(async () => {
  await pool?.end();
  await su?.end();
  await db?.drop();
});

/** org_id of every row of every table, as the session sees them (hub_orgs by id). */
async function orgsSeen(query: (text: string) => Promise<{ rows: { org: string }[] }>): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {};
  for (const t of ORG_TABLES) seen[t] = (await query(`SELECT org_id::text AS org FROM "${t}"`)).rows.map((r) => r.org).sort();
  seen.hub_orgs = (await query('SELECT id::text AS org FROM hub_orgs')).rows.map((r) => r.org).sort();
  return seen;
}

/** drizzle wraps the driver's error ("Failed query: …", the driver's as `cause`): look at both. */
async function expectRlsRefusal(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error & { cause?: Error },
  );
  expect(err, 'the write went through').not.toBeNull();
  expect(`${err?.message} ${err?.cause?.message ?? ''}`).toMatch(/new row violates row-level security policy/);
}

const everyTable = (orgs: string[]) => Object.fromEntries([...ORG_TABLES, 'hub_orgs'].map((t) => [t, orgs]));

describe('tenancy at the hub, straight at the database', () => {
  it('when the superuser reads, then it sees both orgs in every table (so the checks below are not vacuous)', async () => {
    expect(await orgsSeen((t) => su.query(t))).toEqual(everyTable([A, B].sort()));
  });

  it('when every org-owned table is listed by the catalog, then each has row-level security enabled and forced', async () => {
    const r = await su.query<{ relname: string; on: boolean; forced: boolean }>(
      `SELECT c.relname, c.relrowsecurity AS on, c.relforcerowsecurity AS forced FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
         AND (EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) OR c.relname = 'hub_orgs')`,
    );
    expect(r.rows.map((x) => x.relname).sort()).toEqual([...ORG_TABLES, 'hub_orgs'].sort());
    for (const row of r.rows) expect(row, row.relname).toMatchObject({ on: true, forced: true });
  });

  it('when the app role has no org set, then every table reads empty', async () => {
    const seen = await withoutOrg(pool, ({ client }) => orgsSeen((t) => client.query(t)));
    expect(seen).toEqual(everyTable([]));
  });

  it('when the app role is set to org A, then every table shows only A rows, even when asked for B by id', async () => {
    const seen = await withOrg(pool, A, ({ client }) => orgsSeen((t) => client.query(t)));
    expect(seen).toEqual(everyTable([A]));
    const asked = await withOrg(pool, A, ({ db: d }) => d.select().from(nodes).where(eq(nodes.orgId, B)));
    expect(asked).toEqual([]);
  });

  it('when the app role set to A writes a row of org B, then the insert fails, updates of B touch nothing, and B is unchanged', async () => {
    await expectRlsRefusal(
      withOrg(pool, A, ({ db: d }) =>
        d.insert(hubOrgs).values({ id: randomUUID(), name: 'x', slug: `x${randomBytes(3).toString('hex')}`, createdAt: 1 }),
      ),
    );
    await expectRlsRefusal(
      withOrg(pool, A, ({ db: d }) =>
        d.insert(nodes).values({
          orgId: B,
          id: randomUUID(),
          depotCode: 'F',
          depotName: 'forged',
          credentialHash: 'forged',
          softwareVersion: '1',
          schema: 1,
          state: 'active',
          enrolledAt: 1,
        }),
      ),
    );
    // An upsert onto B's existing row: the conflicting row is invisible, so it is an insert of B, refused.
    await expectRlsRefusal(
      withOrg(pool, A, ({ client }) =>
        client.query(`INSERT INTO org_versions (org_id, version) VALUES ($1, 99) ON CONFLICT (org_id) DO UPDATE SET version = 99`, [B]),
      ),
    );
    // Moving one of A's rows into B is a write of B too.
    await expectRlsRefusal(withOrg(pool, A, ({ db: d }) => d.update(nodes).set({ orgId: B }).where(eq(nodes.id, nodeA))));
    const touched = await withOrg(pool, A, async ({ client }) => {
      const u = await client.query(`UPDATE nodes SET state = 'revoked' WHERE org_id = $1`, [B]);
      const d = await client.query(`DELETE FROM rows WHERE org_id = $1`, [B]);
      return [u.rowCount, d.rowCount];
    });
    expect(touched).toEqual([0, 0]);
    const b = await su.query(
      `SELECT (SELECT state FROM nodes WHERE id = $1) AS state, (SELECT version FROM org_versions WHERE org_id = $2) AS v,
      (SELECT count(*)::int FROM rows WHERE org_id = $2) AS n`,
      [nodeB, B],
    );
    expect(b.rows[0]).toEqual({ state: 'active', v: '7', n: 1 });
  });

  it('when fn throws inside withOrg, then its writes roll back and the connection carries no org or role to the next checkout', async () => {
    await expect(
      withOrg(pool, A, async ({ db: d }) => {
        await d.update(hubOrgs).set({ name: 'renamed' }).where(eq(hubOrgs.id, A));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const name = await su.query('SELECT name FROM hub_orgs WHERE id = $1', [A]);
    expect(name.rows[0]).toEqual({ name: 'a' });
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    try {
      for (const c of clients) {
        const r = await c.query("SELECT current_user AS who, current_setting('app.org_id', true) AS org");
        expect(r.rows[0].org ?? '').toBe('');
        expect(r.rows[0].who).not.toBe('depotdesk_hub_app');
      }
    } finally {
      for (const c of clients) c.release();
    }
  });

  it('when the lookups run without an org, then they return ids only for the exact secret, and a revoked node is not found', async () => {
    expect(await accountByEmail(pool, 'A@EXAMPLE.TEST')).toEqual({ accountId: expect.any(String), orgId: A });
    expect(await accountByEmail(pool, '%@example.test')).toBeNull();
    expect(await nodeByCredentialHash(pool, 'cred-b')).toEqual({ orgId: B, nodeId: nodeB });
    await su.query(`UPDATE nodes SET state = 'revoked' WHERE id = $1`, [nodeB]);
    expect(await nodeByCredentialHash(pool, 'cred-b')).toBeNull();
    await su.query(`UPDATE nodes SET state = 'active' WHERE id = $1`, [nodeB]);
    const cols = await withoutOrg(pool, ({ client }) => client.query('SELECT * FROM hub_account_by_email($1)', ['a@example.test']));
    expect(cols.fields.map((f) => f.name)).toEqual(['account_id', 'org_id']);
  });
});

describe('the app role under attack (a login role holding only its privileges)', () => {
  const probe = `t_probe_${randomBytes(4).toString('hex')}`;
  let c: pg.Client;

  beforeAll(async () => {
    // Roles are cluster-wide: a throwaway login role that inherits depotdesk_hub_app and nothing else,
    // so even RESET ROLE leaves the session with the app role's privileges only.
    await su.query(`CREATE ROLE ${probe} LOGIN INHERIT IN ROLE depotdesk_hub_app`);
    const url = new URL(db.url);
    url.username = probe;
    c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
  });

  afterAll(async () => {
    await c?.end();
    await su.query(`DROP OWNED BY ${probe}`).catch(() => {});
    await su.query(`DROP ROLE IF EXISTS ${probe}`);
  });

  const refused = async (statement: string) => {
    await c.query('BEGIN');
    try {
      await c.query("SELECT set_config('app.org_id', $1, true)", [A]);
      await expect(c.query(statement), statement).rejects.toThrow();
    } finally {
      await c.query('ROLLBACK');
    }
  };

  it('when it tries to switch off, loosen or bypass the policies, then every attempt is refused', async () => {
    for (const t of ['nodes', 'hub_orgs', 'rows']) {
      await refused(`ALTER TABLE "${t}" DISABLE ROW LEVEL SECURITY`);
      await refused(`ALTER TABLE "${t}" NO FORCE ROW LEVEL SECURITY`);
      await refused(`DROP POLICY org_isolation ON "${t}"`);
      await refused(`ALTER POLICY org_isolation ON "${t}" USING (true)`);
      await refused(`CREATE POLICY open ON "${t}" USING (true)`);
      await refused(`TRUNCATE "${t}"`);
    }
    await refused('SET ROLE postgres');
    await refused('SET ROLE depotdesk_hub_lookup');
    await refused('ALTER ROLE depotdesk_hub_app BYPASSRLS');
    await refused('CREATE TABLE steal AS SELECT 1');
    await refused(
      'CREATE OR REPLACE FUNCTION public.hub_node_by_credential(p_credential_hash text) RETURNS TABLE(org_id uuid, node_id uuid) LANGUAGE sql AS $$ SELECT NULL::uuid, NULL::uuid $$',
    );
    // row_security = off makes a query that policies would filter fail rather than return everything.
    await c.query('SET row_security = off');
    await expect(c.query('SELECT * FROM nodes')).rejects.toThrow(/row-level security/);
    await c.query('RESET row_security');
  });

  it('when set to org A it asks for B by every route it has, then it reads nothing of B', async () => {
    await c.query('BEGIN');
    try {
      await c.query("SELECT set_config('app.org_id', $1, true)", [A]);
      const probes = [
        `SELECT org_id FROM nodes WHERE org_id = '${B}'`,
        `SELECT org_id FROM nodes UNION ALL SELECT org_id FROM facts`,
        `SELECT n.org_id FROM nodes n JOIN node_streams s ON s.org_id = n.org_id AND s.node_id = n.id WHERE n.org_id <> '${A}'`,
        `SELECT org_id FROM rows WHERE EXISTS (SELECT 1 FROM hub_orgs o WHERE o.id = '${B}')`,
        `SELECT org_id FROM (SELECT * FROM applied_mutations) sub WHERE org_id = '${B}'`,
        `WITH x AS (SELECT * FROM conflicts) SELECT org_id FROM x WHERE org_id = '${B}'`,
        `SELECT id AS org_id FROM hub_orgs WHERE slug = 'b'`,
      ];
      for (const p of probes) {
        const r = await c.query<{ org_id: string }>(p);
        expect(
          r.rows.filter((x) => x.org_id === B),
          p,
        ).toEqual([]);
      }
      // The password hash is not reachable through the sign-in lookup, nor by a direct read of B's row.
      const viaLookup = await c.query(`SELECT * FROM hub_account_by_email('b@example.test')`);
      expect(Object.keys(viaLookup.rows[0] ?? {})).toEqual(['account_id', 'org_id']);
      const direct = await c.query(`SELECT password_hash FROM hub_accounts WHERE email = 'b@example.test'`);
      expect(direct.rows).toEqual([]);
    } finally {
      await c.query('ROLLBACK');
    }
  });

  it('when it is set to A, then it sees A (the probe session is not simply blind)', async () => {
    await c.query('BEGIN');
    try {
      await c.query("SELECT set_config('app.org_id', $1, true)", [A]);
      const r = await c.query<{ id: string }>('SELECT id FROM hub_orgs');
      expect(r.rows.map((x) => x.id)).toEqual([A]);
    } finally {
      await c.query('ROLLBACK');
    }
  });
});

describe('migrating', () => {
  it('when the migrations run again, then nothing changes and the policies are still in place', async () => {
    await migrateHub(db.url);
    const r = await su.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_policies WHERE policyname = 'org_isolation'`);
    expect(r.rows[0]!.n).toBe(ORG_TABLES.length + 1);
    const accounts = await withOrg(pool, A, ({ db: d }) => d.select({ email: hubAccounts.email }).from(hubAccounts));
    expect(accounts).toEqual([{ email: 'a@example.test' }]);
  });
});
