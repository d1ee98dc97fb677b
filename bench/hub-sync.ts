import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { pino } from 'pino';
import { createHost, DB_FILE } from '../server/host.js';
import { createOrg } from '../server/hub/accounts/service.js';
import { createHubPool } from '../server/hub/db/pool.js';
import { issueEnrolmentCode } from '../server/hub/enrolment/service.js';
import { startLocalCluster, type LocalCluster } from '../server/hub/local-cluster.js';
import { startHub, type RunningHub } from '../server/hub/serve.js';
import { hostCommand, repoRoot, startChild, type RunningChild } from '../server/child-host/spawn.js';
import { newestProfile, summariseProfile } from './profile.js';
import { benchHubIngest } from './hub-ingest.js';
import { startCountingProxy, type CountingProxy, type WireExchange } from './hub-proxy.js';
import { medianParts, pullParts, pushParts } from './hub-wire.js';
import { markdownTable, median, ms, percentile, type Row } from './stats.js';

/**
 * Issue 15's sync figures end to end: a hub (startHub, in this process, on a throwaway PostgreSQL
 * cluster) behind a counting proxy (bench/hub-proxy.ts), and depots as real host processes that join
 * the hub's org at first-run setup, all over loopback HTTP. Each figure has a plain reference from
 * the same run.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const PASSWORD = 'bench depot password';

interface Depot {
  name: string;
  child: RunningChild;
  dir: string;
  token: string;
  /** The first characters of its hub credential, as the proxy records them. */
  who: string;
  /** performance.now() when its setup request (the join) was sent. */
  joinedAt: number;
}

interface Ctx {
  cluster: LocalCluster;
  hub: RunningHub;
  proxy: CountingProxy;
  orgId: string;
  accountId: string;
  su: pg.Client;
  log: (m: string) => void;
  hubStartedAt: number;
}

async function api(
  d: { child: RunningChild; token?: string },
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${d.child.url}${p}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(d.token ? { authorization: `Bearer ${d.token}` } : {}),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function waitFor<T>(what: string, timeoutMs: number, intervalMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function enrolmentCode(ctx: Ctx): Promise<string> {
  return (await issueEnrolmentCode(ctx.hub.deps.pool, { orgId: ctx.orgId, accountId: ctx.accountId }, Date.now(), DAY_MS)).code;
}

/** A new depot process that joins the org at first-run setup; returns once setup answered. */
async function joinDepot(ctx: Ctx, name: string, nodeArgs: string[] = []): Promise<Depot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `depotdesk-bench-${name.toLowerCase()}-`));
  const child = await startChild(hostCommand(), dir, 'warn', nodeArgs);
  if (!child.setupCode) throw new Error(`depot ${name} printed no setup code`);
  const joinedAt = performance.now();
  const res = await api({ child }, 'POST', '/api/v1/setup', {
    setupCode: child.setupCode,
    organization: { name: 'named by the hub', timeZone: 'UTC' },
    depot: { name: `${name} depot`, code: name.toUpperCase() },
    admin: { name: `Admin ${name}`, email: `admin-${name.toLowerCase()}@bench.example`, password: PASSWORD },
    join: { hubUrl: ctx.proxy.url, code: await enrolmentCode(ctx) },
  });
  if (res.status !== 201) throw new Error(`depot ${name} could not join: ${res.status} ${JSON.stringify(res.body)}`);
  const depot: Depot = { name, child, dir, token: res.body.token as string, who: '', joinedAt };
  // Its credential is the one the proxy has not seen before: the first push or pull after setup.
  const known = new Set(ctx.proxy.exchanges.map((e) => e.who));
  depot.who = await waitFor(`${name}'s first hub request`, 60_000, 20, async () => {
    const e = ctx.proxy.exchanges.find((x) => x.who !== '-' && !known.has(x.who));
    return e ? e.who : null;
  });
  return depot;
}

async function stopDepot(d: Depot): Promise<void> {
  await d.child.stop();
  fs.rmSync(d.dir, { recursive: true, force: true });
}

async function hubVersion(ctx: Ctx): Promise<number> {
  const r = await ctx.su.query<{ v: string }>('SELECT version AS v FROM org_versions WHERE org_id = $1', [ctx.orgId]);
  return Number(r.rows[0]?.v ?? 0);
}

/** Resolves once the depot's pull cursor reached `version` and nothing of its own waits to go up. */
async function waitSynced(d: Depot, version: number, timeoutMs: number, intervalMs = 50): Promise<void> {
  await waitFor(`${d.name} to pull to version ${version}`, timeoutMs, intervalMs, async () => {
    const s = (await api(d, 'GET', '/api/v1/sync/status')).body as { pullCursor: number; pending: number };
    return s.pullCursor >= version && s.pending === 0 ? true : null;
  });
}

// ---------------------------------------------------------------------------------------------
// Propagation: A edits a title, B sees it

interface EditSample {
  i: number;
  ms: number;
  /** Where the time went, from the proxy's records (ms after the PATCH was sent), when found. */
  pushAt: number | null;
  pokeAt: number | null;
  pullAt: number | null;
  push: WireExchange | null;
  pull: WireExchange | null;
}

async function propagation(
  ctx: Ctx,
  a: Depot,
  b: Depot,
  edits: number,
): Promise<{ id: string; create: EditSample; samples: EditSample[] }> {
  const whoA = a.who;
  const whoB = b.who;
  const sample = (i: number, t0: number, done: number, title: string): EditSample => {
    const push = ctx.proxy.exchanges.find((e) => e.kind === 'push' && e.who === whoA && e.startedAt >= t0 && e.upBody.includes(title));
    const poke = push ? ctx.proxy.live.find((e) => e.who === whoB && e.type === 'poke' && e.at >= push.startedAt) : undefined;
    const pull = ctx.proxy.exchanges.find((e) => e.kind === 'pull' && e.who === whoB && e.startedAt >= t0 && e.downBody.includes(title));
    return {
      i,
      ms: done - t0,
      pushAt: push ? push.startedAt - t0 : null,
      pokeAt: poke ? poke.at - t0 : null,
      pullAt: pull ? pull.startedAt - t0 : null,
      push: push ?? null,
      pull: pull ?? null,
    };
  };
  const seen = async (id: string, title: string) => {
    const res = await api(b, 'GET', `/api/v1/work-orders/${id}`);
    return res.status === 200 && res.body.title === title ? performance.now() : null;
  };

  // The work order the edits change, made on A; its arrival on B is a propagation too (printed apart).
  const title0 = `Bench propagation ${Date.now()}`;
  let t0 = performance.now();
  const made = await api(a, 'POST', '/api/v1/work-orders', { title: title0, type: 'corrective', priority: 'medium' });
  if (made.status !== 201) throw new Error(`create on A: ${made.status} ${JSON.stringify(made.body)}`);
  const id = made.body.id as string;
  let version = made.body.version as number;
  const create = sample(-1, t0, await waitFor('the new work order on B', 120_000, 10, () => seen(id, title0)), title0);
  ctx.log(`created on A, seen on B after ${ms(create.ms)}; now ${edits} title edits on A, each polled for on B every 10 ms`);

  const samples: EditSample[] = [];
  for (let i = 0; i < edits; i++) {
    const title = `Bench edit ${i} ${Math.random().toString(36).slice(2, 8)}`;
    t0 = performance.now();
    const res = await api(a, 'PATCH', `/api/v1/work-orders/${id}`, { title }, { 'if-match': `"${version}"` });
    if (res.status !== 200) throw new Error(`PATCH on A: ${res.status} ${JSON.stringify(res.body)}`);
    version = res.body.version as number;
    const s = sample(i, t0, await waitFor(`edit ${i} on B`, 120_000, 10, () => seen(id, title)), title);
    samples.push(s);
    if (i === 0) ctx.log(`first edit seen on B after ${ms(s.ms)}`);
    // Spaced a little apart, so each edit is its own push and its own poke.
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 150));
  }
  return { id, create, samples };
}

/**
 * A dispatcher's burst: `n` title edits on A one after another, as fast as the API answers, so the
 * depot's push debounce gathers several into one batch (as a busy morning does). Bytes per field
 * change on the wire are the pushes' request bodies as sent (gzip above 1 KiB) over the edits they
 * carried; the bare {"title":…} of each edit is the reference.
 */
async function burst(ctx: Ctx, a: Depot, b: Depot, id: string, n: number): Promise<Row[]> {
  let version = (await api(a, 'GET', `/api/v1/work-orders/${id}`)).body.version as number;
  const t0 = performance.now();
  const titles: string[] = [];
  for (let i = 0; i < n; i++) {
    const title = `Burst edit ${i} ${Math.random().toString(36).slice(2, 8)}`;
    const res = await api(a, 'PATCH', `/api/v1/work-orders/${id}`, { title }, { 'if-match': `"${version}"` });
    if (res.status !== 200) throw new Error(`PATCH on A: ${res.status} ${JSON.stringify(res.body)}`);
    version = res.body.version as number;
    titles.push(title);
  }
  await waitFor('the last burst edit on B', 120_000, 10, async () => {
    const res = await api(b, 'GET', `/api/v1/work-orders/${id}`);
    return res.body.title === titles.at(-1) ? true : null;
  });
  // Every push counts on the wire (a refused one, e.g. a 412 for a dictionary the hub let go, was sent too);
  // mutations are counted from the applied ones.
  const sent = ctx.proxy.exchanges.filter((e) => e.kind === 'push' && e.who === a.who && e.startedAt >= t0);
  const pushes = sent.filter((e) => e.status === 200);
  const parts = pushes.map((p) => pushParts(p.upBody));
  const mutations = parts.reduce((sum, p) => sum + p.mutations, 0);
  const wire = sent.reduce((sum, p) => sum + p.upWire, 0);
  const json = parts.reduce((sum, p) => sum + p.body, 0);
  const bare = titles.reduce((sum, t) => sum + Buffer.byteLength(JSON.stringify({ title: t })), 0);
  const perEdit = wire / mutations;
  return [
    {
      metric: `push bytes per field change on the wire, a burst of ${n} title edits in ${pushes.length} push(es) (${[...new Set(pushes.map((p) => p.upEncoding))].join(', ')}; whole bodies) · as JSON · bare {"title":…}`,
      value: `${Math.round(perEdit)} B · ${Math.round(json / mutations)} B · ${Math.round(bare / n)} B`,
      target: '≤ 150 B',
      pass: perEdit <= 150,
    },
  ];
}

/** The plain reference: one row INSERTed and committed on one connection, its NOTIFY received on another. */
async function notifyRoundTrips(url: string, n: number): Promise<number[]> {
  const writer = new pg.Client({ connectionString: url });
  const listener = new pg.Client({ connectionString: url });
  await writer.connect();
  await listener.connect();
  try {
    await writer.query('CREATE TEMP TABLE bench_echo (id int PRIMARY KEY, title text NOT NULL)');
    await listener.query('LISTEN bench_echo');
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const got = new Promise<void>((resolve) => listener.once('notification', () => resolve()));
      const t0 = performance.now();
      await writer.query('BEGIN');
      await writer.query('INSERT INTO bench_echo VALUES ($1, $2)', [i, `Bench edit ${i}`]);
      await writer.query(`SELECT pg_notify('bench_echo', $1)`, [String(i)]);
      await writer.query('COMMIT');
      await got;
      out.push(performance.now() - t0);
    }
    return out;
  } finally {
    await writer.end();
    await listener.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Initial sync of a large org

/**
 * ~`count` work orders at the hub, written straight into its rows table as copies of one real work
 * order that a depot pushed (new ids and numbers, one org version each), so the snapshot holds rows
 * exactly as the hub stores a pushed work order. Pushing them through a depot would take minutes of
 * seeding and ingest for a figure that is about the download.
 */
async function cloneWorkOrders(ctx: Ctx, templateId: string, count: number): Promise<number> {
  const base = await hubVersion(ctx);
  await ctx.su.query('BEGIN');
  await ctx.su.query(
    `INSERT INTO rows (org_id, tbl, row_id, fields, clocks, versions, version)
     SELECT r.org_id, r.tbl, x.id,
            r.fields || jsonb_build_object('id', x.id, 'number', 'BULK-' || lpad(g::text, 6, '0'), 'title', 'Bulk work order ' || g),
            r.clocks,
            (SELECT jsonb_object_agg(k, $3::bigint + g) FROM jsonb_object_keys(r.versions) k),
            $3::bigint + g
       FROM rows r, generate_series(1, $4::int) g, LATERAL (SELECT gen_random_uuid()::text AS id, g AS n) x
      WHERE r.org_id = $1 AND r.tbl = 'work_orders' AND r.row_id = $2`,
    [ctx.orgId, templateId, base, count],
  );
  await ctx.su.query('UPDATE org_versions SET version = $2 WHERE org_id = $1', [ctx.orgId, base + count]);
  await ctx.su.query('COMMIT');
  return base + count;
}

/** The reference: the same rows read with one plain SELECT and written to a plain SQLite table in one transaction. */
async function plainCopy(ctx: Ctx): Promise<{ ms: number; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-bench-plain-'));
  const db = new Database(path.join(dir, 'plain.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const t0 = performance.now();
    const res = await ctx.su.query<{ row_id: string; fields: Record<string, unknown> }>(
      "SELECT row_id, fields FROM rows WHERE org_id = $1 AND tbl = 'work_orders'",
      [ctx.orgId],
    );
    const cols = Object.keys(res.rows[0]!.fields).filter((c) => c !== 'id');
    db.exec(`CREATE TABLE work_orders (id TEXT PRIMARY KEY, ${cols.map((c) => `"${c}"`).join(', ')})`);
    const insert = db.prepare(`INSERT INTO work_orders VALUES (?${', ?'.repeat(cols.length)})`);
    db.transaction(() => {
      for (const r of res.rows) {
        insert.run(
          r.row_id,
          ...cols.map((c) => {
            const v = r.fields[c];
            return v === undefined || v === null
              ? null
              : typeof v === 'object'
                ? JSON.stringify(v)
                : typeof v === 'boolean'
                  ? Number(v)
                  : v;
          }),
        );
      }
    })();
    return { ms: performance.now() - t0, rows: res.rows.length };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A second reference: the same rows written with plain INSERTs (one transaction) into the depot's
 * own work_orders table (a freshly migrated depot file: its indexes and full-text triggers), so the
 * table's own cost is told apart from the sync apply's.
 */
async function schemaCopy(ctx: Ctx): Promise<{ ms: number; rows: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-bench-schema-'));
  createHost({ dataDir: dir }).close();
  const db = new Database(path.join(dir, DB_FILE));
  try {
    db.pragma('foreign_keys = OFF');
    const columns = new Map(
      (db.prepare('PRAGMA table_info(work_orders)').all() as { name: string; notnull: number; dflt_value: unknown }[]).map((c) => [
        c.name,
        c,
      ]),
    );
    const t0 = performance.now();
    const res = await ctx.su.query<{ row_id: string; fields: Record<string, unknown> }>(
      "SELECT row_id, fields FROM rows WHERE org_id = $1 AND tbl = 'work_orders'",
      [ctx.orgId],
    );
    const first = res.rows[0]!.fields;
    // Columns the hub sends; derived ones it does not send (NOT NULL, no default) take the first row's
    // value as stored by the bench's depot A would have them: here a constant, enough for the indexes.
    const sent = Object.keys(first).filter((c) => c !== 'id' && columns.has(c));
    const derived = [...columns.values()].filter((c) => c.notnull && c.dflt_value === null && c.name !== 'id' && !sent.includes(c.name));
    const names = ['id', ...sent, ...derived.map((c) => c.name)];
    const insert = db.prepare(
      `INSERT INTO work_orders (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    const value = (v: unknown) =>
      v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? Number(v) : v;
    db.transaction(() => {
      for (const r of res.rows) insert.run(r.row_id, ...sent.map((c) => value(r.fields[c])), ...derived.map(() => 0));
    })();
    return { ms: performance.now() - t0, rows: res.rows.length };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function wireRows(samples: EditSample[]): { rows: Row[]; detail: string[] } {
  const pushed = samples.flatMap((s) => (s.push && s.push.upBody && pushParts(s.push.upBody).mutations === 1 ? [s.push] : []));
  const pushes = pushed.map((p) => pushParts(p.upBody));
  const pulls = samples.flatMap((s) => (s.pull ? [{ wire: s.pull.downWire, ...pullParts(s.pull.downBody) }] : []));
  const wires = pushed.map((p) => p.upWire);
  const encodings = [...new Set(pushed.map((p) => p.upEncoding))].join(', ');
  const detail: string[] = [];
  const rows: Row[] = [];
  const reference = Buffer.byteLength(JSON.stringify({ title: 'Bench edit 0 abcdef' }));
  if (pushes.length) {
    const perEdit = median(pushes.map((p) => p.body - p.envelope));
    const envelope = median(pushes.map((p) => p.envelope));
    // On the wire: the one-edit body as sent less its envelope alone encoded the same way (the same
    // dictionary, or gzip), so only the edit's own bytes count, compressed as they travel.
    const wirePerEdit = median(pushed.map((p) => p.upWire - p.upEnvelopeWire));
    rows.push({
      metric: `push bytes per field change, a lone edit (one-edit body − its envelope encoded alike; ${encodings}; median of ${pushes.length}): on the wire · as JSON · bare {"title":…}`,
      value: `${wirePerEdit} B · ${perEdit} B · ${reference} B`,
      target: '≤ 150 B',
      pass: wirePerEdit <= 150,
    });
    rows.push({
      metric: 'push request body on the wire per one-edit batch, whole · its envelope as JSON',
      value: `${median(wires)} B · ${envelope} B`,
      target: '',
      pass: null,
    });
    detail.push('push of one title edit, median bytes per part:');
    for (const p of medianParts(pushes.map((x) => x.parts))) detail.push(`  ${String(p.bytes).padStart(6)} B  ${p.name}`);
  }
  if (pulls.length) {
    const perEdit = median(pulls.map((p) => p.body - p.envelope));
    rows.push({
      metric: `pull page bytes per field change (page with the edit − its empty envelope, JSON, median of ${pulls.length}) · bare {"title":…}`,
      value: `${perEdit} B · ${reference} B · wire ${median(pulls.map((p) => p.wire))} B`,
      target: '',
      pass: null,
    });
    detail.push('pull page carrying one title edit, median bytes per part:');
    for (const p of medianParts(pulls.map((x) => x.parts))) detail.push(`  ${String(p.bytes).padStart(6)} B  ${p.name}`);
  }
  return { rows, detail };
}

/** Rows of a table in a depot's file, read beside the running host (WAL). */
function countRows(d: Depot, table: string): number {
  const db = new Database(path.join(d.dir, DB_FILE), { readonly: true });
  try {
    return db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } finally {
    db.close();
  }
}

function describeSlow(s: EditSample): string {
  const at = (v: number | null) => (v === null ? 'not seen' : ms(v));
  return `A's push ${at(s.pushAt)}, poke to B ${at(s.pokeAt)}, B's pull with the edit ${at(s.pullAt)}, seen on B ${ms(s.ms)}`;
}

export interface HubSyncOptions {
  edits?: number;
  rows?: number;
  ingestMutations?: number;
  log?: (m: string) => void;
  /** Run depot C under --cpu-prof and print its top frames (`--cpu-prof` standalone). */
  profile?: boolean;
}

/** Part 1: bench/hub-ingest.ts (applyPush as it is, beside plain INSERTs), on its own database in the cluster. */
async function ingestRows(databaseUrl: string, mutations: number, log: (m: string) => void): Promise<Row[]> {
  log(`hub ingest: ${mutations} mutations for one org through applyPush in batches of 500, then as plain INSERTs …`);
  const r = await benchHubIngest({ databaseUrl, mutations });
  return [
    {
      metric: `hub ingest per org (applyPush, ${r.mutations} mutations, batches of ${r.batchSize}) · plain pg INSERTs, one txn · ratio`,
      value: `${r.setBasedPerSecond.toLocaleString('en')}/s · ${r.rawPerSecond.toLocaleString('en')}/s · ${r.ratio}×`,
      target: '≥ 5,000/s',
      pass: r.setBasedPerSecond >= 5_000,
    },
  ];
}

export async function benchHubSync(opts: HubSyncOptions = {}): Promise<Row[]> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const edits = opts.edits ?? 60;
  const bulk = opts.rows ?? 100_000;
  const cluster = await startLocalCluster();
  const rows: Row[] = [];
  const depots: Depot[] = [];
  let hub: RunningHub | undefined;
  let proxy: CountingProxy | undefined;
  const su = new pg.Client({ connectionString: cluster.url });
  try {
    if ((opts.ingestMutations ?? 20_000) > 0) rows.push(...(await ingestRows(cluster.url, opts.ingestMutations ?? 20_000, log)));
    const hubStartedAt = performance.now();
    hub = await startHub({ databaseUrl: cluster.url, port: 0, log: pino({ level: 'silent' }) });
    proxy = await startCountingProxy(hub.url);
    await su.connect();
    const pool = createHubPool(cluster.url, { max: 1 });
    const made = await createOrg(pool, Date.now(), {
      name: 'Bench organization',
      adminEmail: 'admin@hub.bench',
      adminName: 'Hub admin',
      adminPassword: PASSWORD,
    }).finally(() => pool.end());
    const ctx: Ctx = { cluster, hub, proxy, orgId: made.orgId, accountId: made.accountId, su, log, hubStartedAt };

    log(`hub ${hub.url} behind a counting proxy ${proxy.url}; depots A and B join the org at first-run setup …`);
    const a = await joinDepot(ctx, 'A');
    depots.push(a);
    await waitSynced(a, await hubVersion(ctx), 60_000);
    const b = await joinDepot(ctx, 'B');
    depots.push(b);
    await waitSynced(b, await hubVersion(ctx), 60_000);
    await waitSynced(a, await hubVersion(ctx), 60_000);
    log(`both depots joined and in step at hub version ${await hubVersion(ctx)}`);

    // 3. Propagation depot → hub → depot, the first edit included and also printed on its own.
    const { id: woId, create, samples } = await propagation(ctx, a, b, edits);
    const echo = await notifyRoundTrips(cluster.url, samples.length);
    const lat = samples.map((s) => s.ms);
    const first = samples[0]!;
    rows.push({
      metric: `propagation A → hub → B, title edit seen on B (n=${lat.length}, first included) p50 / p95 / max · pg INSERT+NOTIFY round trip p50 / p95`,
      value: `${ms(median(lat))} / ${ms(percentile(lat, 95))} / ${ms(Math.max(...lat))} · ${ms(median(echo))} / ${ms(percentile(echo, 95))}`,
      target: 'p95 < 2 s',
      pass: percentile(lat, 95) < 2_000,
    });
    rows.push({ metric: 'propagation of the first edit (in the figures above)', value: ms(first.ms), target: '', pass: null });
    rows.push({
      metric: 'propagation of the work order created before the edits (not in the figures)',
      value: ms(create.ms),
      target: '',
      pass: null,
    });
    for (const s of [create, ...samples].filter((x) => x.ms > 2_000))
      log(`slow: ${s.i < 0 ? 'the create' : `edit ${s.i}`}: ${describeSlow(s)}`);
    const quick = samples.filter((s) => s.ms <= 2_000 && s.pushAt !== null && s.pullAt !== null);
    if (quick.length)
      log(
        `median of the others: A's push ${ms(median(quick.map((s) => s.pushAt!)))} after the PATCH, B's pull ${ms(median(quick.map((s) => s.pullAt!)))}, seen ${ms(median(quick.map((s) => s.ms)))}`,
      );

    const hubStart = ctx.hubStartedAt;
    const socketLog = ctx.proxy.live
      .filter((e) => e.type !== 'poke')
      .map((e) => `${e.who === a.who ? 'A' : e.who === b.who ? 'B' : '?'} ${e.type} ${((e.at - hubStart) / 1000).toFixed(1)} s`);
    log(`live sockets through the proxy (s after the hub started): ${socketLog.join(', ')}`);
    // Each drop leaves a window in which the depot misses pokes (docs/sync.md, Live).
    const drops = ctx.proxy.live.filter((e) => e.type === 'close' && (e.who === a.who || e.who === b.who)).length;
    rows.push({ metric: 'live socket drops of A and B during the edits', value: String(drops), target: '0', pass: drops === 0 });

    // 4. Bytes per field change, from the bodies the proxy carried during the edits, then a burst.
    const wire = wireRows(samples);
    rows.push(...wire.rows);
    for (const l of wire.detail) log(l);
    rows.push(...(await burst(ctx, a, b, woId, 50)));

    // 2. Initial sync of a large org: A and B stop (they would pull it too), the hub gets ~bulk rows.
    for (const d of depots.splice(0)) await stopDepot(d);
    const t0 = performance.now();
    const target = await cloneWorkOrders(ctx, woId, bulk);
    const total = await ctx.su.query<{ n: string }>("SELECT count(*) AS n FROM rows WHERE org_id = $1 AND tbl = 'work_orders'", [
      ctx.orgId,
    ]);
    const expected = Number(total.rows[0]!.n);
    log(`hub: ${bulk} work orders written as copies of the bench's pushed one in ${ms(performance.now() - t0)}; org version ${target}`);
    const plain = await plainCopy(ctx);
    log(`reference: ${plain.rows} rows by one SELECT into a plain SQLite table in one transaction: ${ms(plain.ms)}`);
    const schema = await schemaCopy(ctx);
    log(`second reference: the same into a fresh depot file's work_orders (its indexes and full-text triggers): ${ms(schema.ms)}`);
    log('depot C joins the org and pulls the snapshot …');
    const profDir = opts.profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-bench-profiles-')) : null;
    const c = await joinDepot(ctx, 'C', profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []);
    depots.push(c);
    await waitSynced(c, target, 600_000, 100);
    const syncMs = performance.now() - c.joinedAt;
    const held = countRows(c, 'work_orders');
    const pulls = ctx.proxy.exchanges.filter((e) => e.kind === 'pull' && e.who === c.who);
    const hubMs = pulls.reduce((n, e) => n + (e.endedAt - e.startedAt), 0);
    log(
      `C at version ${target} ${ms(syncMs)} after its setup request; ${pulls.length} pull pages, ${(pulls.reduce((n, e) => n + e.downWire, 0) / 1e6).toFixed(1)} MB on the wire`,
    );
    rows.push({
      metric: `initial sync: join → depot holds all ${held.toLocaleString('en')} of ${expected.toLocaleString('en')} work orders · one SELECT + one SQLite txn · ratio`,
      value: `${ms(syncMs)} · ${ms(plain.ms)} · ${(syncMs / plain.ms).toFixed(1)}×`,
      target: '< 10 s',
      pass: syncMs < 10_000 && held >= expected,
    });
    rows.push({
      metric:
        "initial sync, second reference: the same SELECT into a fresh depot file's work_orders (its indexes and full-text trigger), one txn",
      value: ms(schema.ms),
      target: '',
      pass: null,
    });
    rows.push({
      metric: `initial sync: of which C's ${pulls.length} pull requests at the hub (through the proxy) · the rest (C applying, between requests)`,
      value: `${ms(hubMs)} · ${ms(syncMs - hubMs)}`,
      target: '',
      pass: null,
    });
    if (profDir) {
      await c.child.stop(60_000);
      const file = newestProfile(profDir);
      if (file) {
        const summary = summariseProfile(file, repoRoot(), 12);
        log(`C's CPU profile from start to synced: ${file}`);
        log(`  idle ${summary.idlePct.toFixed(1)} %, GC ${summary.gcPct.toFixed(1)} %; top self time (share of busy time):`);
        for (const f of summary.top) log(`    ${f.selfPct.toFixed(1).padStart(5)} %  ${f.name}`);
      }
    }
    return rows;
  } finally {
    for (const d of depots) await stopDepot(d).catch(() => undefined);
    await proxy?.close();
    await hub?.stop();
    await su.end().catch(() => undefined);
    cluster.stop();
  }
}

// `node --import tsx bench/hub-sync.ts [--edits N] [--rows N] [--ingest N] [--cpu-prof]`: this section alone, from source.
// Not inside a bundle (dist/host/bench.js): there every module's import.meta.url is the bundle's own.
if (!process.env.DEPOTDESK_BUNDLE_ENTRY && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rows = await benchHubSync({
    edits: Number(arg('--edits') ?? 60),
    rows: Number(arg('--rows') ?? 100_000),
    ingestMutations: Number(arg('--ingest') ?? 20_000),
    profile: process.argv.includes('--cpu-prof'),
    log: (m) => console.log(`  ${m}`),
  });
  console.log(markdownTable(rows));
}
