import Database from 'better-sqlite3';
import pg from 'pg';
import { pathToFileURL } from 'node:url';
import { startLocalCluster, type LocalCluster } from '../server/hub/local-cluster.js';
import { startFuzzOrg, type FuzzDepot, type FuzzOrg } from '../server/sync/fuzz/org.js';
import { waitUntil } from '../server/sync/testing/processes.js';
import { withDatabase } from '../server/testing/pg.js';
import { benchHubIngest } from './hub-ingest.js';
import { markdownTable, type Row } from './stats.js';

/**
 * Issue 16's "time to converge after a partition with 10,000 pending changes per depot": the hub and
 * three depot processes of the convergence fuzz (server/sync/fuzz/org.ts, clocks skewed), every link
 * cut; each depot takes `changes` writes through its API while cut off (1 in 5 creates a work order,
 * the others retitle one); then the links heal and the clock runs until every depot has pushed
 * everything, pulled to the hub's version, and holds the same work orders. Reference in the same run:
 * the hub ingesting the same number of mutations as plain pg INSERTs (bench/hub-ingest.ts).
 */

async function writeWhileCut(d: FuzzDepot, changes: number): Promise<void> {
  const ids: string[] = [];
  let next = 0;
  // Four clients per depot, as a busy dispatcher desk and its crews would.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = next++; i < changes; i = next++) {
        if (i % 5 === 0 || ids.length === 0) {
          const res = await d.proc.api<{ id: string }>('POST', '/api/v1/work-orders', {
            title: `Cut off ${d.name} ${i}`,
            type: 'corrective',
            priority: 'medium',
          });
          if (res.status !== 201) throw new Error(`create on ${d.name}: ${res.status} ${JSON.stringify(res.body)}`);
          ids.push(res.body.id);
        } else {
          const id = ids[(i * 7919) % ids.length]!;
          const res = await d.proc.api('PATCH', `/api/v1/work-orders/${id}`, { title: `Retitled ${d.name} ${i}` });
          if (res.status !== 200) throw new Error(`edit on ${d.name}: ${res.status} ${JSON.stringify(res.body)}`);
        }
      }
    }),
  );
}

export async function benchSyncPartition(opts: { changes?: number; log?: (m: string) => void } = {}): Promise<Row[]> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const changes = opts.changes ?? 10_000;
  let cluster: LocalCluster | undefined;
  let org: FuzzOrg | undefined;
  try {
    cluster = await startLocalCluster();
    const su = new pg.Client({ connectionString: cluster.url });
    await su.connect();
    await su.query('CREATE DATABASE partition_bench');
    await su.end();
    org = await startFuzzOrg(withDatabase(cluster.url, 'partition_bench'), 1);
    const o = org;
    log(`three depots joined (clock skew: ${o.skew}); cutting every link and writing ${changes.toLocaleString('en')} changes on each …`);
    for (const d of o.depots) d.proxy.set({ mode: 'partition' });
    const cutAt = performance.now();
    await Promise.all(o.depots.map((d) => writeWhileCut(d, changes)));
    const cutS = (performance.now() - cutAt) / 1000;
    log(`cut off for ${cutS.toFixed(0)} s; healing and timing convergence …`);
    for (const d of o.depots) d.proxy.heal();
    const healedAt = performance.now();
    const pushedAt: number[] = [];
    await Promise.all(
      o.depots.map(async (d, i) => {
        await d.proc.syncUntilClean(600_000);
        pushedAt[i] = performance.now() - healedAt;
      }),
    );
    // Converged: every depot at the hub's version with nothing pending and the same work orders.
    const onHub = await o.hubDb.workOrderIds(o.org.orgId);
    await waitUntil(
      'every depot at the hub version with the same work orders',
      async () => {
        const version = await o.hubDb.orgVersion(o.org.orgId);
        const states = await Promise.all(o.depots.map((d) => d.proc.syncNow()));
        if (!states.every((s) => s.pending === 0 && s.lastError === null && s.pullCursor === version)) return undefined;
        const counts = o.depots.map((d) => {
          const db = new Database(d.dbFile, { readonly: true });
          try {
            return db.prepare('SELECT count(*) FROM work_orders').pluck().get() as number;
          } finally {
            db.close();
          }
        });
        return counts.every((c) => c === onHub.size) ? true : undefined;
      },
      600_000,
    );
    const convergeS = (performance.now() - healedAt) / 1000;
    const total = changes * 3;
    log(`converged in ${convergeS.toFixed(1)} s; reference: ${total.toLocaleString('en')} mutations as plain pg INSERTs …`);
    const reference = await benchHubIngest({ databaseUrl: cluster.url, mutations: total });
    const rawS = total / reference.rawPerSecond;
    return [
      {
        metric: `converge after a partition: 3 depots × ${changes.toLocaleString('en')} changes written while cut off (${cutS.toFixed(0)} s), heal → all at the hub version with the same work orders`,
        value: `${convergeS.toFixed(1)} s (${Math.round(total / convergeS).toLocaleString('en')} mutations/s end to end)`,
        target: '',
        pass: null,
      },
      {
        metric: '  each depot pushed all it had, after the heal',
        value: pushedAt.map((ms, i) => `${o.depots[i]!.name} ${(ms / 1000).toFixed(1)} s`).join(' · '),
        target: '',
        pass: null,
      },
      {
        metric: `  reference: the same ${total.toLocaleString('en')} mutations as plain pg INSERTs at the hub · ratio`,
        value: `${rawS.toFixed(1)} s · ${(convergeS / rawS).toFixed(1)}×`,
        target: '',
        pass: null,
      },
    ];
  } finally {
    await org?.close();
    cluster?.stop();
  }
}

if (!process.env.DEPOTDESK_BUNDLE_ENTRY && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchSyncPartition({ changes: Number(process.argv[2] ?? 10_000) });
  console.log(markdownTable(rows));
}
