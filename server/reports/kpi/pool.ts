import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Host } from '../../core/context.js';
import { DB_FILE } from '../../host.js';
import type { KpiRequest, KpiResponse } from '../jobs/protocol.js';
import { spawnReportWorker } from '../jobs/spawn.js';
import type { KpiQuery, KpiReport } from '../kpi-types.js';

/**
 * GET /reports/kpis off the request path. A year of a 100k-work-order depot is a second or more of
 * SQL, which on the host's thread would stall every request and the WebSocket hub; so KPIs are
 * computed by one long-lived worker thread with its own read-only connection, queries queue in
 * arrival order, identical queries in flight share one computation, and the last few results are
 * reused while nothing has been written and the clock has moved less than CACHE_TTL_MS.
 */

export const CACHE_TTL_MS = 15_000;
const CACHE_ENTRIES = 8;
/** An idle worker is stopped after this long, giving its memory back (a year's KPIs leave ~100 MB behind). */
const IDLE_MS = 60_000;

export interface KpiResult {
  report: KpiReport;
  /** Time spent computing (in the worker), or for a cached result, when it was computed. */
  computeMs: number;
  cached: boolean;
}

interface Entry {
  version: string;
  now: number;
  result: KpiResult;
}

export class KpiPool {
  private worker: Worker | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: KpiResult) => void; reject: (e: Error) => void }>();
  private readonly inFlight = new Map<string, Promise<KpiResult>>();
  /** Insertion order is recency order (a hit is re-inserted), so the first key is the oldest. */
  private readonly cache = new Map<string, Entry>();
  private readonly lastChange;
  /** Counters for /metrics-style checks and tests: computations run, cache hits, requests that joined one in flight. */
  readonly stats = { computed: 0, cacheHits: 0, coalesced: 0 };

  constructor(private readonly host: Host) {
    // Pulled pages write no `mutations` row and come through this same connection (so data_version
    // stays put): the pull cursor is what moves when another depot's work arrives.
    this.lastChange = host.sqlite
      .prepare(
        `SELECT coalesce((SELECT max(seq) FROM mutations WHERE org_id = @org), 0) || ':' ||
                coalesce((SELECT pull_cursor FROM sync_state WHERE org_id = @org), 0)`,
      )
      .pluck();
  }

  async compute(q: KpiQuery): Promise<KpiResult> {
    // The worker's connection sees committed data only: let the open write batch land first.
    await this.host.commits.durable();
    const key = JSON.stringify([
      q.orgId,
      q.from,
      q.to,
      q.zone,
      Object.entries(q.filters)
        .filter(([, v]) => v !== undefined)
        .sort(),
    ]);
    const version = this.version(q.orgId);
    const hit = this.cache.get(key);
    if (hit && hit.version === version && Math.abs(q.now - hit.now) < CACHE_TTL_MS) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      this.stats.cacheHits += 1;
      return { ...hit.result, cached: true };
    }
    const flightKey = `${key}@${version}`;
    let flight = this.inFlight.get(flightKey);
    if (flight) this.stats.coalesced += 1;
    else {
      this.stats.computed += 1;
      flight = this.run(q).finally(() => this.inFlight.delete(flightKey));
      this.inFlight.set(flightKey, flight);
    }
    const result = await flight;
    this.remember(key, { version, now: q.now, result });
    return result;
  }

  /** Stops the worker; queued queries fail. The next compute() starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.cache.clear();
    this.failAll(new Error('the KPI worker was stopped'));
    if (worker) await worker.terminate();
  }

  /**
   * What the host has written for this org (every logged mutation adds a `mutations` row) plus what other
   * connections committed (data_version moves only for those), so any change starts a new entry.
   */
  private version(orgId: string): string {
    return `${this.host.sqlite.pragma('data_version', { simple: true }) as number}:${this.lastChange.get({ org: orgId }) as string}`;
  }

  private remember(key: string, entry: Entry): void {
    this.cache.delete(key);
    this.cache.set(key, entry);
    while (this.cache.size > CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  private run(query: KpiQuery): Promise<KpiResult> {
    const worker = this.ensureWorker();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const id = this.nextId++;
    return new Promise<KpiResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, query } satisfies KpiRequest);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnReportWorker({ mode: 'kpi', dbFile: path.join(this.host.dataDir, DB_FILE) });
    // An idle KPI worker must not keep a stopping process alive; a pending request keeps the loop busy anyway.
    worker.unref();
    worker.on('message', (m: KpiResponse) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.stopWhenIdle(worker);
      if (m.ok) p.resolve({ report: m.report, computeMs: m.ms, cached: false });
      else p.reject(m.name === 'RangeError' ? new RangeError(m.message) : new Error(m.message));
    });
    const lost = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.failAll(err);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the KPI worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(worker: Worker): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.pending.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
