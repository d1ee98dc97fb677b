import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { DB_FILE } from '../server/host.js';
import { openDatabase } from '../db/client.js';
import { socatAvailable, startPtyPair, type PtyPair } from '../server/telemetry/io/socat.js';
import { DEFAULT_INGEST } from '../server/telemetry/pipeline/ingest.js';
import { hostCommand, repoRoot, startChild, type RunningChild } from '../server/child-host/spawn.js';
import { median, ms, percentile, type Row } from './stats.js';

/**
 * `npm run bench -- --only telemetry`: the end-to-end telemetry figures. One host process
 * with its real serial side reads N socat pseudo-terminal pairs; a writer process plays N devices
 * sending JSON lines `{"seq":n,"sent":<wall-clock ms>}`. Measured, per run:
 * - paced (a realistic sensor rate): line written → its `telemetry` message at a /ws client
 *   (p50/p95, matched by the `sent` value the message carries) and the host's CPU per port;
 * - flooded (as fast as the ports take bytes): frames stored per second, counted in the database
 *   over the window, and the host's CPU while doing it.
 * CPU is the host child's utime + stime from /proc/<pid>/stat: its own process, all its threads.
 *
 * The reference, after each flood once its backlog is written: the same rows (two readings a frame,
 * 16 device ids, the same values) inserted straight with better-sqlite3 into the same table in a
 * file of its own (the host's schema, growing run by run like the host's), in transactions of the
 * pipeline's batch size, as multi-row prepared INSERTs of 64 rows, `synchronous = FULL`. Its metric
 * names differ ('raw_seq', 'raw_sent'). The reference runs alone (no writer, no socat), so the ratio also carries what reading 16
 * ports and decoding costs: it is the whole host against the bare insert, not insert against insert.
 */

export interface TelemetryBenchOptions {
  ports?: number;
  /** Seconds per measured window. */
  durationS?: number;
  /** Measured runs on the same host; figures are medians over them. */
  runs?: number;
  /** Lines per second per port in the paced phase (≤ 4 gives every line its own /ws message). */
  pacedRate?: number;
  logLevel?: string;
  log?: (line: string) => void;
}

const ADMIN = { name: 'Bench Admin', email: 'bench@example.test', password: 'bench telemetry password' };

/** The writer: one process, N ports. Paced lines staggered across the second, or a flood. */
const WRITER = `
import { SerialPort } from 'serialport';
const paths = process.argv[1].split(',');
const rate = Number(process.argv[2]);
const now = () => performance.timeOrigin + performance.now();
let seq = 0;
const line = () => '{"seq":' + (++seq) + ',"sent":' + now().toFixed(3) + '}\\n';
paths.forEach((p, i) => {
  const port = new SerialPort({ path: p, baudRate: 115200 });
  port.on('error', () => {});
  port.on('open', () => {
    if (rate > 0) {
      const period = 1000 / rate;
      setTimeout(() => setInterval(() => port.write(line()), period), (i * period) / paths.length);
      return;
    }
    const pump = () => {
      for (;;) {
        let block = '';
        for (let k = 0; k < 64; k++) block += line();
        if (!port.write(block)) return port.once('drain', pump);
      }
    };
    pump();
  });
});
process.on('SIGTERM', () => process.exit(0));
`;

function startWriter(paths: string[], rate: number): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', WRITER, paths.join(','), String(rate)], {
    stdio: 'ignore',
    cwd: repoRoot(),
  });
}

async function stopWriter(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const CLK_TCK = 100; // Linux USER_HZ; /proc reports CPU time in these ticks.

/** CPU seconds (user + system, all threads) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ") ": utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function api<T>(host: RunningChild, token: string | null, method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/v1${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends SIGTERM and waits for the process to be gone (or the timeout). */
async function exited(pid: number, timeoutMs: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const end = Date.now() + timeoutMs;
  while (fs.existsSync(`/proc/${pid}`) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

/** The host's telemetry counters from /metrics: rows stored and batches written so far, devices held back now. */
async function batchCounters(host: RunningChild): Promise<{ rows: number; batches: number; held: number }> {
  const text = await (await fetch(`${host.url}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
  return {
    rows: value(/^depotdesk_telemetry_rows_total\{table="telemetry_readings"\} (\d+)/m),
    batches: value(/^depotdesk_telemetry_batches_total (\d+)/m),
    held: value(/^depotdesk_telemetry_devices_held (\d+)/m),
  };
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

interface RunFigures {
  pacedDelays: number[];
  pacedLinesPerS: number;
  pacedCpuPerPort: number;
  floodFramesPerS: number;
  floodMinPortPerS: number;
  floodCpu: number;
  floodRejected: number;
  floodDropped: number;
  floodApiMs: number[];
  rawFramesPerS: number;
  /** Rows per batch the host wrote during the flood (the raw reference uses the same). */
  batchRows: number;
}

const RAW_CHUNK = 64;

/** The reference: frames (two rows each) per second inserted straight into the host's table; see the header. */
function rawInsert(file: string, orgId: string, deviceIds: string[], seconds: number, rows: number): number {
  const batchRows = rows - (rows % 2); // whole frames
  const db = new Database(file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = FULL');
    const values = (n: number) => new Array<string>(n).fill('(?, ?, NULL, NULL, ?, ?, NULL, ?, ?)').join(', ');
    const insert = (n: number) =>
      db.prepare(
        `INSERT INTO telemetry_readings (org_id, device_id, asset_id, vehicle_id, metric, value, unit, at, received_at) VALUES ${values(n)}`,
      );
    const full = insert(RAW_CHUNK);
    const rest = batchRows % RAW_CHUNK === 0 ? null : insert(batchRows % RAW_CHUNK);
    const params: unknown[] = [];
    let frames = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const now = Date.now();
      db.exec('BEGIN IMMEDIATE');
      for (let row = 0; row < batchRows;) {
        const n = Math.min(RAW_CHUNK, batchRows - row);
        params.length = 0;
        for (let k = 0; k < n; k += 2) {
          const device = deviceIds[frames % deviceIds.length]!;
          frames++;
          params.push(orgId, device, 'raw_seq', frames, now, now, orgId, device, 'raw_sent', now + 0.5, now, now);
        }
        (n === RAW_CHUNK ? full : rest!).run(params);
        row += n;
      }
      db.exec('COMMIT');
    }
    return frames / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
  }
}

interface DeviceCounters {
  id: string;
  status: { rejected: Record<string, number>; state: string } | null;
  pipeline: { stored: number; dropped: number };
}

export async function benchTelemetry(opts: TelemetryBenchOptions = {}): Promise<Row[]> {
  const nPorts = opts.ports ?? 16;
  const durationS = opts.durationS ?? 5;
  const runs = opts.runs ?? 3;
  const pacedRate = opts.pacedRate ?? 2;
  const log = opts.log ?? (() => undefined);
  if (!socatAvailable())
    return [{ metric: `telemetry end to end (${nPorts} ports)`, value: 'skipped: socat is not installed', target: '', pass: null }];

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'depotdesk-telemetry-bench-'));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  // The raw reference writes to a database of its own with the host's schema. Written into the
  // host's live file, its millions of rows stayed in the table the host and this bench's counts
  // read, and every later run measured them too.
  const refFile = path.join(dir, 'raw-reference', DB_FILE);
  openDatabase(refFile).sqlite.close();
  const pairs: PtyPair[] = [];
  let host: RunningChild | null = null;
  let ws: WebSocket | null = null;
  let db: Database.Database | null = null;
  const figures: RunFigures[] = [];
  try {
    for (let i = 0; i < nPorts; i++) pairs.push(await startPtyPair(path.join(dir, `a${i}`), path.join(dir, `b${i}`)));
    const command = hostCommand();
    // DEPOTDESK_BENCH_CPU_PROF=<dir>: the host writes a V8 CPU profile there when it stops.
    const profDir = process.env.DEPOTDESK_BENCH_CPU_PROF;
    if (profDir) command.args.unshift('--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`);
    host = await startChild(command, dataDir, opts.logLevel ?? 'warn');
    const h = host;
    const { token } = await api<{ token: string }>(h, null, 'POST', '/setup', {
      setupCode: h.setupCode,
      organization: { name: 'Bench depot', timeZone: 'Europe/London' },
      admin: ADMIN,
    });
    const ids: string[] = [];
    for (let i = 0; i < nPorts; i++) {
      const d = await api<{ id: string }>(h, token, 'POST', '/telemetry/devices', {
        name: `Bench sensor ${i + 1}`,
        path: pairs[i]!.b,
        protocol: 'json',
        serial: { baudRate: 115200 },
        silenceAfterMs: 60_000,
      });
      ids.push(d.id);
    }
    const devices = async () =>
      (await api<{ items: DeviceCounters[] }>(h, token, 'GET', '/telemetry/devices?limit=200')).items.filter((d) => ids.includes(d.id));
    await until(
      `all ${nPorts} devices connected`,
      async () => (await devices()).filter((d) => d.status?.state === 'connected').length === nPorts,
    );

    // The /ws client: each `telemetry` message carries the newest `sent` of its device's lines.
    const delays: number[] = [];
    let collecting = false;
    let windowStart = 0;
    ws = new WebSocket(`${h.url.replace('http', 'ws')}/ws`, [`depotdesk.bearer.${token}`]);
    ws.on('message', (raw) => {
      const arrived = performance.timeOrigin + performance.now();
      if (!collecting) return;
      const m = JSON.parse(String(raw)) as { type: string; data: { metrics?: Record<string, { value: number }> } };
      const sent = m.type === 'telemetry' ? m.data.metrics?.sent?.value : undefined;
      // A line written before the window opened belongs to the one before.
      if (sent !== undefined && sent >= windowStart) delays.push(arrived - sent);
    });
    await new Promise((resolve, reject) => ws!.once('open', resolve).once('error', reject));
    db = new Database(path.join(dataDir, DB_FILE), { readonly: true });
    // The bench's devices are unbound: their rows are in the partial unbound index (org, at) since
    // migrations 0013-0014, and a count that states its condition walks that index's org range
    // instead of the whole table (the counts run during and right after the flood, on the host's cores).
    const perDevice = db.prepare(
      "SELECT device_id AS id, count(*) AS n FROM telemetry_readings WHERE org_id = (SELECT id FROM organizations LIMIT 1) AND asset_id IS NULL AND vehicle_id IS NULL AND metric = 'seq' GROUP BY device_id",
    );
    const counts = () => new Map((perDevice.all() as Array<{ id: string; n: number }>).map((r) => [r.id, r.n]));
    const seqRows = { get: () => [...counts().values()].reduce((a, b) => a + b, 0) };
    // The paced window's lines, by their time: a short range of the same index. A count of every row
    // (above) walks millions after a flood and, synchronous in this process, held the /ws client's
    // event loop for seconds, so messages read after it were stamped late (p95 0.5-2.3 s in the
    // runs after a flood, 3 ms in the first).
    const seqBetween = db
      .prepare(
        "SELECT count(*) FROM telemetry_readings WHERE org_id = (SELECT id FROM organizations LIMIT 1) AND asset_id IS NULL AND vehicle_id IS NULL AND at >= ? AND at < ? AND metric = 'seq'",
      )
      .pluck();

    for (let run = 1; run <= runs; run++) {
      log(`telemetry run ${run}/${runs}: ${nPorts} ports at ${pacedRate} lines/s for ${durationS} s`);
      const paced = startWriter(
        pairs.map((p) => p.a),
        pacedRate,
      );
      await sleep(1.5); // ports open, first lines through
      delays.length = 0;
      windowStart = performance.timeOrigin + performance.now();
      collecting = true;
      const cpu0 = cpuSeconds(h.pid);
      const t0 = performance.now();
      await sleep(durationS);
      const cpu1 = cpuSeconds(h.pid);
      const seconds = (performance.now() - t0) / 1000;
      const windowEnd = performance.timeOrigin + performance.now();
      collecting = false;
      await stopWriter(paced);
      await sleep(0.5);
      const pacedLines = seqBetween.get(windowStart, windowEnd) as number;
      const pacedDelays = [...delays];

      log(`telemetry run ${run}/${runs}: ${nPorts} ports flooded for ${durationS} s`);
      const before = await devices();
      const flood = startWriter(
        pairs.map((p) => p.a),
        0,
      );
      await sleep(1.5);
      const b0 = await batchCounters(h);
      const c0 = counts();
      const fcpu0 = cpuSeconds(h.pid);
      const f0 = performance.now();
      // Is the host still answering while it is flooded? An API read every 100 ms.
      const apiMs: number[] = [];
      while (performance.now() - f0 < durationS * 1000) {
        const a0 = performance.now();
        await api(h, token, 'GET', '/telemetry/status');
        apiMs.push(performance.now() - a0);
        await sleep(0.1);
      }
      const c1 = counts();
      const fcpu1 = cpuSeconds(h.pid);
      const b1 = await batchCounters(h);
      const fs1 = (performance.now() - f0) / 1000;
      await stopWriter(flood);
      // What the ports and the pipeline still hold must be written before the next paced window. With
      // backpressure most of the backlog waits in the ports' queues and the OS, not in the pipeline:
      // no device held and the stored count still for a whole second.
      let last = -1;
      let stillSince = performance.now();
      await until(
        'the flood backlog to drain',
        async () => {
          const status = await api<{ pipeline: { queued: number } }>(h, token, 'GET', '/telemetry/status');
          const { held } = await batchCounters(h);
          const n = seqRows.get() as number;
          if (n !== last || status.pipeline.queued > 0 || held > 0) stillSince = performance.now();
          last = n;
          return performance.now() - stillSince >= 1000;
        },
        120_000,
      );
      const after = await devices();
      const orgId = db.prepare('SELECT org_id FROM telemetry_readings LIMIT 1').pluck().get() as string;
      // The raw reference writes batches of the size the host wrote during the flood (its time budget may make them smaller than flushRows).
      const batchRows = Math.round((b1.rows - b0.rows) / Math.max(1, b1.batches - b0.batches)) || DEFAULT_INGEST.flushRows;
      const rawFramesPerS = rawInsert(refFile, orgId, ids, durationS, batchRows);
      const perPort = ids.map((id) => ((c1.get(id) ?? 0) - (c0.get(id) ?? 0)) / fs1);
      const rejected = (list: DeviceCounters[]) =>
        list.reduce((n, d) => n + Object.values(d.status?.rejected ?? {}).reduce((a, b) => a + b, 0), 0);
      const dropped = (list: DeviceCounters[]) => list.reduce((n, d) => n + d.pipeline.dropped, 0);
      figures.push({
        pacedDelays,
        pacedLinesPerS: pacedLines / seconds,
        pacedCpuPerPort: (cpu1 - cpu0) / seconds / nPorts,
        floodFramesPerS: perPort.reduce((a, b) => a + b, 0),
        floodMinPortPerS: Math.min(...perPort),
        floodCpu: (fcpu1 - fcpu0) / fs1,
        floodRejected: rejected(after) - rejected(before),
        floodDropped: dropped(after) - dropped(before),
        floodApiMs: apiMs,
        rawFramesPerS,
        batchRows,
      });
      const f = figures.at(-1)!;
      log(
        `  run ${run}: paced ${f.pacedLinesPerS.toFixed(1)} lines/s, delay p50 ${ms(percentile(pacedDelays, 50))} p95 ${ms(percentile(pacedDelays, 95))} (n=${pacedDelays.length}), ` +
          `CPU/port ${(f.pacedCpuPerPort * 100).toFixed(2)} %; flood ${Math.round(f.floodFramesPerS)} frames/s stored, CPU ${(f.floodCpu * 100).toFixed(0)} %, ` +
          `rejected ${f.floodRejected}, dropped ${f.floodDropped}, API p95 ${ms(percentile(apiMs, 95))}; ` +
          `raw better-sqlite3 ${Math.round(f.rawFramesPerS)} frames/s in batches of ${f.batchRows} rows (host ${((f.floodFramesPerS / f.rawFramesPerS) * 100).toFixed(0)} % of it)`,
      );
    }
  } finally {
    ws?.close();
    db?.close();
    // The profile is written when the host exits, after its on-quit backup of a file the flood made
    // large: give it that time instead of the 5 s after which stop() kills it.
    if (host && process.env.DEPOTDESK_BENCH_CPU_PROF) await exited(host.pid, 120_000);
    await host?.stop();
    await Promise.all(pairs.map((p) => p.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const med = (pick: (f: RunFigures) => number) => median(figures.map(pick));
  const p50 = med((f) => percentile(f.pacedDelays, 50));
  const p95 = med((f) => percentile(f.pacedDelays, 95));
  const cpuPerPort = med((f) => f.pacedCpuPerPort);
  const expected = nPorts * pacedRate;
  const tag = `${nPorts} pty ports → host`;
  const of = `median of ${figures.length}`;
  return [
    {
      metric: `${tag} at max rate: frames stored/s, all ports (${of}; 2 readings each)`,
      value: Math.round(med((f) => f.floodFramesPerS)).toLocaleString('en'),
      target: '≥ 50,000',
      pass: med((f) => f.floodFramesPerS) >= 50_000,
    },
    {
      metric: `same rows straight into the same table (its own file, the host's schema) with better-sqlite3 (multi-row INSERT, the host's mean batch of ${Math.round(med((f) => f.batchRows))} rows a transaction, synchronous=FULL): frames/s (${of})`,
      value: Math.round(med((f) => f.rawFramesPerS)).toLocaleString('en'),
      target: '',
      pass: null,
    },
    {
      metric: `${tag} at max rate: stored / raw better-sqlite3 (median of per-run ratios)`,
      value: `${(med((f) => f.floodFramesPerS / f.rawFramesPerS) * 100).toFixed(0)} %`,
      target: '',
      pass: null,
    },
    {
      metric: `${tag} at max rate: slowest port, frames stored/s`,
      value: Math.round(med((f) => f.floodMinPortPerS)).toLocaleString('en'),
      target: 'every port served',
      pass: med((f) => f.floodMinPortPerS) > 0,
    },
    {
      metric: `${tag} at max rate: host CPU (one core = 100 %)`,
      value: `${(med((f) => f.floodCpu) * 100).toFixed(0)} % total, ${((med((f) => f.floodCpu) / nPorts) * 100).toFixed(1)} % per port`,
      target: '',
      pass: null,
    },
    {
      metric: `${tag} at max rate: lines refused (overflow etc.) / frames dropped by the pipeline`,
      value: `${med((f) => f.floodRejected)} / ${med((f) => f.floodDropped)}`,
      target: 'counted, host responsive',
      pass: null,
    },
    {
      metric: `${tag} at max rate: GET /telemetry/status meanwhile, p95`,
      value: ms(med((f) => percentile(f.floodApiMs, 95))),
      target: '< 250 ms',
      pass: med((f) => percentile(f.floodApiMs, 95)) < 250,
    },
    {
      metric: `${tag} at ${pacedRate} lines/s each: lines stored/s`,
      value: med((f) => f.pacedLinesPerS).toFixed(1),
      target: `≈ ${expected}`,
      pass: med((f) => f.pacedLinesPerS) > expected * 0.9,
    },
    {
      metric: `${tag} at ${pacedRate} lines/s each: host CPU per port`,
      value: `${(cpuPerPort * 100).toFixed(2)} % of a core`,
      target: '< 1 %',
      pass: cpuPerPort < 0.01,
    },
    {
      metric: `${tag} at ${pacedRate} lines/s each: line written → /ws telemetry event p50 / p95 (n=${figures.reduce((n, f) => n + f.pacedDelays.length, 0)})`,
      value: `${ms(p50)} / ${ms(p95)}`,
      target: '< 50 ms p95',
      pass: p95 < 50,
    },
  ];
}
