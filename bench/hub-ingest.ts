import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startLocalCluster, type LocalCluster } from '../server/hub/local-cluster.js';
import { withDatabase } from '../server/testing/pg.js';
import { migrateHub } from '../server/hub/db/migrate.js';
import { createHubPool, withOrg } from '../server/hub/db/pool.js';
import { applyPush } from '../server/hub/sync/push.js';
import { batch, hlc, mutation, setupChanges, workOrderInsert } from '../server/hub/sync/testing.js';
import type { PushMutation } from '../server/sync/contract-protocol.js';
import { DEFAULT_PUSH_MUTATIONS } from '../server/sync/push-batch.js';

/**
 * Hub ingest for one org (issue 15 goal: >= 5,000 mutations/s with the set-based apply), beside a
 * plain pg reference in the same run: the same rows (the work-order row, its event, its audit row,
 * the applied-mutation record) as one INSERT each, in one transaction, as the app role with the org
 * set, into the same tables and indexes (another org, so neither run sees the other's rows).
 *
 * Each mutation is what a dispatcher's edit makes: 1 in 5 creates a work order, the others change two
 * fields of one of 1,000 work orders; each carries one work_order_events fact and one audit row.
 */

export interface HubIngestResult {
  mutations: number;
  batchSize: number;
  setBasedPerSecond: number;
  rawPerSecond: number;
  ratio: number;
}

/** A dispatcher's day as mutations (see the file comment); `prefix` keeps work-order numbers apart per depot. */
export function editWorkload(admin: string, count: number, firstSeq: number, prefix = 'AVM'): PushMutation[] {
  const wos: string[] = [];
  const out: PushMutation[] = [];
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i;
    const creating = wos.length < 1_000 && i % 5 === 0;
    const wo = creating ? randomUUID() : wos[(i * 7919) % wos.length]!;
    if (creating) wos.push(wo);
    const change = creating
      ? workOrderInsert(wo, `${prefix}-${String(i).padStart(6, '0')}`)
      : { t: 'work_orders', r: wo, op: 'update' as const, f: { title: `Edit ${i}`, priority: i % 2 ? 'high' : 'low' } };
    out.push(
      mutation({
        seq,
        actorId: admin,
        hlc: hlc(1_700_000_000_000 + i, 'bench'),
        action: creating ? 'work_order.created' : 'work_order.updated',
        changes: [
          change,
          { t: 'work_order_events', r: randomUUID(), op: 'insert', f: { work_order_id: wo, type: creating ? 'created' : 'edited', at: i } },
        ],
        audit: [
          {
            id: randomUUID(),
            actorId: admin,
            action: creating ? 'work_order.create' : 'work_order.update',
            entity: 'work_order',
            entityId: wo,
            before: null,
            after: change.f,
            requestId: null,
            at: i,
          },
        ],
      }),
    );
  }
  return out;
}

async function newOrg(su: pg.Client): Promise<string> {
  const orgId = randomUUID();
  await su.query('INSERT INTO hub_orgs (id, name, slug, created_at) VALUES ($1, $2, $2, 1)', [orgId, orgId]);
  return orgId;
}

/** One transaction of plain INSERTs (one statement per row), the way a naive apply would write. */
async function rawReference(pool: pg.Pool, orgId: string, node: string, ms: PushMutation[]): Promise<number> {
  const started = performance.now();
  await withOrg(pool, orgId, async ({ client }) => {
    let version = 0;
    for (const m of ms) {
      version += 1;
      const c = m.changes[0]!;
      await client.query(
        `INSERT INTO rows (org_id, tbl, row_id, fields, clocks, versions, version) VALUES ($1, $2, $3, $4, '{}', '{}', $5)
         ON CONFLICT (org_id, tbl, row_id) DO UPDATE SET fields = rows.fields || excluded.fields, version = excluded.version`,
        [orgId, c.t, c.r, JSON.stringify(c.f), version],
      );
      const e = m.changes[1]!;
      await client.query('INSERT INTO facts (org_id, tbl, row_id, fields, version, node_id) VALUES ($1, $2, $3, $4, $5, $6)', [
        orgId,
        e.t,
        e.r,
        JSON.stringify(e.f),
        version,
        node,
      ]);
      const a = m.audit[0]!;
      await client.query('INSERT INTO facts (org_id, tbl, row_id, fields, version, node_id) VALUES ($1, $2, $3, $4, $5, $6)', [
        orgId,
        'audit_log',
        a.id,
        JSON.stringify(a),
        version,
        node,
      ]);
      await client.query(
        `INSERT INTO applied_mutations (org_id, id, node_id, epoch, seq, hlc, action, actor_id, outcome, version, result, applied_at)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, 'applied', $8, $9, 1)`,
        [
          orgId,
          m.id,
          node,
          m.seq,
          m.hlc,
          m.action,
          m.actorId,
          version,
          JSON.stringify({ id: m.id, seq: m.seq, outcome: 'applied', version }),
        ],
      );
    }
  });
  return performance.now() - started;
}

export async function benchHubIngest(
  opts: { databaseUrl?: string; mutations?: number; batchSize?: number } = {},
): Promise<HubIngestResult> {
  const count = opts.mutations ?? 20_000;
  // What a depot sends (server/sync/push-batch.ts), unless asked otherwise.
  const batchSize = opts.batchSize ?? DEFAULT_PUSH_MUTATIONS;
  let cluster: LocalCluster | undefined;
  const admin = opts.databaseUrl ?? (cluster = await startLocalCluster()).url;
  const name = `bench_${randomUUID().slice(0, 8)}`;
  const root = new pg.Client({ connectionString: admin });
  await root.connect();
  await root.query(`CREATE DATABASE ${name}`);
  await root.end();
  const url = withDatabase(admin, name);
  const su = new pg.Client({ connectionString: url });
  const pool = createHubPool(url, { max: 2 });
  try {
    await migrateHub(url);
    await su.connect();

    const orgId = await newOrg(su);
    const node = randomUUID();
    const adminId = randomUUID();
    const setup = mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(orgId, adminId) });
    await withOrg(pool, orgId, (tx) => applyPush(tx, { orgId, nodeId: node, now: Date.now() }, batch(node, [setup])));
    const ms = editWorkload(adminId, count, 2);
    let afterSeq = 1;
    const started = performance.now();
    for (let i = 0; i < ms.length; i += batchSize) {
      const part = ms.slice(i, i + batchSize);
      const answer = await withOrg(pool, orgId, (tx) =>
        applyPush(tx, { orgId, nodeId: node, now: Date.now() }, batch(node, part, { afterSeq })),
      );
      if (answer.results.some((r) => r.outcome !== 'applied'))
        throw new Error(`bench mutation not applied: ${JSON.stringify(answer.results.find((r) => r.outcome !== 'applied'))}`);
      afterSeq = answer.ackedSeq;
    }
    const setMs = performance.now() - started;

    const rawOrg = await newOrg(su);
    const rawMs = await rawReference(pool, rawOrg, node, editWorkload(adminId, count, 2));
    const setBasedPerSecond = Math.round(count / (setMs / 1000));
    const rawPerSecond = Math.round(count / (rawMs / 1000));
    return {
      mutations: count,
      batchSize,
      setBasedPerSecond,
      rawPerSecond,
      ratio: Math.round((setBasedPerSecond / rawPerSecond) * 100) / 100,
    };
  } finally {
    await pool.end();
    await su.end().catch(() => {});
    if (cluster) cluster.stop();
    else {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    }
  }
}

// `node --import tsx bench/hub-ingest.ts [--database-url URL] [--mutations N] [--batch N]`
// Not inside a bundle (dist/host/bench.js): there every module's import.meta.url is the bundle's own.
if (!process.env.DEPOTDESK_BUNDLE_ENTRY && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const r = await benchHubIngest({
    ...(arg('--database-url') ? { databaseUrl: arg('--database-url')! } : {}),
    mutations: Number(arg('--mutations') ?? 20_000),
    batchSize: Number(arg('--batch') ?? DEFAULT_PUSH_MUTATIONS),
  });
  console.log(
    `hub ingest, one org, ${r.mutations} mutations in batches of ${r.batchSize}: set-based ${r.setBasedPerSecond}/s, raw pg INSERTs (one transaction) ${r.rawPerSecond}/s, ratio ${r.ratio}x`,
  );
}
