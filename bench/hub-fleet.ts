import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { startLocalCluster, type LocalCluster } from '../server/hub/local-cluster.js';
import { batch, mutation, setupChanges } from '../server/hub/sync/testing.js';
import { SYNC_SCHEMA_EPOCH, type PushMutation } from '../server/sync/contract-protocol.js';
import { HubProcess, killAll } from '../server/sync/testing/processes.js';
import { withDatabase } from '../server/testing/pg.js';
import { benchHubIngest, editWorkload } from './hub-ingest.js';
import { markdownTable, median, ms, percentile, type Row } from './stats.js';

/**
 * Issue 16's "hub CPU and memory with 100 simulated depots pushing at once": a hub process (the
 * real one, server/hub/cli.ts) on a throwaway PostgreSQL cluster, `orgs` organizations of
 * `depots / orgs` depots each, every depot enrolled with a real enrolment code. Then all depots at
 * once, each `rounds` times: push a batch of `batch` mutations (a dispatcher's edits: 1 in 5 creates a
 * work order, each with its event and audit row), then pull the org's changes past its cursor.
 *
 * The simulated depots are plain HTTP clients in this process (no SQLite), so the figures are the
 * hub's and PostgreSQL's alone: the hub process's CPU (utime + stime from /proc) and peak RSS, the
 * cluster's backends' CPU, and push and pull latency as a depot sees it. Reference in the same run:
 * one org's ingest as plain pg INSERTs of the same rows (bench/hub-ingest.ts). The cluster runs with
 * fsync off (local-cluster.ts), so disk is not in these figures.
 */

export interface FleetOptions {
  depots?: number;
  orgs?: number;
  rounds?: number;
  batch?: number;
  log?: (m: string) => void;
}

interface SimDepot {
  org: number;
  node: string;
  credential: string;
  mutations: PushMutation[];
  cursor: number;
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** utime + stime of a process, seconds; 0 once it has gone. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** CPU seconds of every PostgreSQL backend of the cluster (children of its postmaster), ended ones excluded. */
function clusterCpu(postmaster: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === postmaster || Number(entry) === postmaster)
        out.set(Number(entry), (Number(f[11]) + Number(f[12])) / TICKS_PER_S);
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * POST from a given loopback address: the hub limits enrolment attempts per client address (20 a
 * minute), and a hundred depots are a hundred addresses, not one.
 */
function postFrom<T>(url: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; body: T }> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      url + path,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': data.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function call<T>(url: string, method: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function benchHubFleet(opts: FleetOptions = {}): Promise<Row[]> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const depotCount = opts.depots ?? 100;
  const orgCount = opts.orgs ?? 10;
  const rounds = opts.rounds ?? 10;
  const perBatch = opts.batch ?? 50;
  let cluster: LocalCluster | undefined;
  try {
    cluster = await startLocalCluster();
    const name = `fleet_${randomUUID().slice(0, 8)}`;
    const root = new pg.Client({ connectionString: cluster.url });
    await root.connect();
    await root.query(`CREATE DATABASE ${name}`);
    await root.end();
    const databaseUrl = withDatabase(cluster.url, name);
    log(`reference: one org's ingest as plain pg INSERTs of the same rows …`);
    const reference = await benchHubIngest({ databaseUrl: cluster.url, mutations: 10_000 });
    const hub = await HubProcess.start(databaseUrl);
    log(`hub process ${hub.pid} at ${hub.url}; enrolling ${depotCount} depots in ${orgCount} organizations …`);
    const depots: SimDepot[] = [];
    for (let o = 0; o < orgCount; o++) {
      const org = await hub.createOrg(`Fleet org ${o + 1}`);
      const replicaOrgId = randomUUID();
      const admin = randomUUID();
      for (let d = 0; d < depotCount / orgCount; d++) {
        const code = await hub.api<{ code: string }>('POST', '/hub/v1/enrolment-codes', {}, org.token);
        const node = randomUUID();
        const enrol = await postFrom<{ credential: string }>(
          hub.url,
          '/hub/v1/enrol',
          {
            code: code.body.code,
            node,
            orgId: replicaOrgId,
            depotCode: `D${d}`,
            depotName: `Depot ${d + 1}`,
            schema: SYNC_SCHEMA_EPOCH,
            version: 'bench',
            ...(d > 0 ? { join: true } : {}),
          },
          `127.0.${o + 1}.${d + 2}`,
        );
        if (enrol.status !== 200) throw new Error(`enrol: ${enrol.status} ${JSON.stringify(enrol.body)}`);
        const depot: SimDepot = { org: o, node, credential: enrol.body.credential, mutations: [], cursor: 0 };
        let firstSeq = 1;
        if (d === 0) {
          // The org's first depot brings the org and its admin, as a depot's first push does.
          const setup = mutation({ seq: 1, actorId: 'system:setup', action: 'org.setup', changes: setupChanges(replicaOrgId, admin) });
          const res = await call<{ results: { outcome: string }[] }>(
            hub.url,
            'POST',
            '/hub/v1/sync/push',
            batch(node, [setup]),
            depot.credential,
          );
          if (res.status !== 200 || res.body.results[0]?.outcome !== 'applied')
            throw new Error(`setup: ${res.status} ${JSON.stringify(res.body)}`);
          firstSeq = 2;
        }
        depot.mutations = editWorkload(admin, rounds * perBatch, firstSeq, `O${o}D${d}`);
        depots.push(depot);
      }
    }
    const postmaster = Number(fs.readFileSync(`${cluster.dir}/data/postmaster.pid`, 'utf8').split('\n')[0]);
    log(`${depots.length} depots pushing ${rounds} batches of ${perBatch} at once, each followed by a pull …`);
    const pushMs: number[] = [];
    const pullMs: number[] = [];
    let refused = 0;
    let peakRss = rssMb(hub.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(hub.pid))), 100);
    const hubCpu0 = cpuSeconds(hub.pid);
    const pgCpu0 = clusterCpu(postmaster);
    const started = performance.now();
    await Promise.all(
      depots.map(async (d) => {
        for (let r = 0; r < rounds; r++) {
          const ms = d.mutations.slice(r * perBatch, (r + 1) * perBatch);
          const body = batch(d.node, ms, { afterSeq: ms[0]!.seq === 1 ? null : ms[0]!.seq - 1 });
          let t = performance.now();
          const push = await call<{ results: { outcome: string }[] }>(hub.url, 'POST', '/hub/v1/sync/push', body, d.credential);
          pushMs.push(performance.now() - t);
          if (push.status !== 200) throw new Error(`push: ${push.status} ${JSON.stringify(push.body).slice(0, 300)}`);
          refused += push.body.results.filter((x) => x.outcome !== 'applied').length;
          t = performance.now();
          const pull = await call<{ to: number }>(
            hub.url,
            'GET',
            `/hub/v1/sync/pull?after=${d.cursor}&limit=1000&schema=${SYNC_SCHEMA_EPOCH}`,
            undefined,
            d.credential,
          );
          pullMs.push(performance.now() - t);
          if (pull.status !== 200) throw new Error(`pull: ${pull.status} ${JSON.stringify(pull.body).slice(0, 300)}`);
          d.cursor = pull.body.to;
        }
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const hubCpu = cpuSeconds(hub.pid) - hubCpu0;
    const pgCpu1 = clusterCpu(postmaster);
    // Backends that ended during the run are lost to this sum: a floor, not an exact figure.
    let pgCpu = 0;
    for (const [pid, s] of pgCpu1) pgCpu += s - (pgCpu0.get(pid) ?? 0);
    const total = depots.length * rounds * perBatch;
    const perS = Math.round(total / wallS);
    const rssAfter = rssMb(hub.pid);
    await killAll();
    return [
      {
        metric: `hub fleet: ${depots.length} depots in ${orgCount} orgs pushing at once (${total.toLocaleString('en')} mutations, batches of ${perBatch}) · plain pg INSERTs, one org · ratio`,
        value: `${perS.toLocaleString('en')}/s · ${reference.rawPerSecond.toLocaleString('en')}/s · ${(perS / reference.rawPerSecond).toFixed(2)}×`,
        target: '',
        pass: null,
      },
      {
        metric: '  push p50 / p95 · pull p50 / p95 (as a depot sees it)',
        value: `${ms(median(pushMs))} / ${ms(percentile(pushMs, 95))} · ${ms(median(pullMs))} / ${ms(percentile(pullMs, 95))}`,
        target: '',
        pass: null,
      },
      {
        metric: '  hub process CPU · PostgreSQL backends CPU (cores busy over the run)',
        value: `${(hubCpu / wallS).toFixed(2)} · ≥ ${(pgCpu / wallS).toFixed(2)}`,
        target: '',
        pass: null,
      },
      {
        metric: '  hub process RSS peak · after',
        value: `${peakRss.toFixed(0)} MB · ${rssAfter.toFixed(0)} MB`,
        target: '',
        pass: null,
      },
      { metric: '  mutations not applied (refused or conflict)', value: String(refused), target: '0', pass: refused === 0 },
    ];
  } finally {
    await killAll();
    cluster?.stop();
  }
}

if (!process.env.DEPOTDESK_BUNDLE_ENTRY && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const depots = Number(process.argv[2] ?? 100);
  const rows = await benchHubFleet({ depots, orgs: Math.max(1, Math.round(depots / 10)) });
  console.log(markdownTable(rows));
}
