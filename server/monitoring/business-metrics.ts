import client from 'prom-client';
import { count, inArray, min } from 'drizzle-orm';
import { reportRuns, workOrders } from '../../db/schema/index.js';
import type { Host } from '../core/context.js';
import type { Services } from '../services.js';
import { OPEN_STATUSES, slaStateSql } from '../work-orders/sla-sql.js';
import { DEVICE_STATES } from '../telemetry/types.js';
import type { SyncStatusDto } from '../sync/contract.js';

/**
 * What the depot is doing, for the operator's Prometheus beside how the host is doing: open work by
 * SLA state, report jobs waiting and how long the oldest has waited, sensors by state. Each gauge is
 * read from the database (or the telemetry runtime) when scraped, so a restart or a restore never
 * leaves a stale figure. Alert rules and a Grafana dashboard over these are in resources/monitoring/.
 *
 * The open-work count reads only open rows (the status index), with the same SLA rule as the list's
 * filter (server/work-orders/sla-sql.ts), so a scrape says what the SLA board says.
 */

const SLA_STATES = ['ok', 'at_risk', 'breached', 'none'] as const;

/** The newest host and services per registry: a restore starts new services on the same metrics. */
const current = new WeakMap<client.Registry, { host: Host; services: Services }>();

export function registerBusinessMetrics(latestHost: Host, latestServices: Services): void {
  const registry = latestHost.metrics.registry;
  const known = current.has(registry);
  current.set(registry, { host: latestHost, services: latestServices });
  if (known) return;
  const registers = [registry];
  const now = () => current.get(registry)!;

  new client.Gauge({
    name: 'depotdesk_work_orders_open',
    help: 'Open work orders (not completed, closed or cancelled) by SLA state now; none: no SLA applies',
    labelNames: ['sla_state'],
    registers,
    collect() {
      const { host } = now();
      const state = slaStateSql(host.clock.now());
      const rows = host.db
        .select({ state, n: count() })
        .from(workOrders)
        .where(inArray(workOrders.status, [...OPEN_STATUSES]))
        .groupBy(state)
        .all();
      const by = new Map(rows.map((r) => [r.state ?? 'none', r.n]));
      for (const s of SLA_STATES) this.set({ sla_state: s }, by.get(s) ?? 0);
    },
  });

  // One read of the waiting jobs per scrape serves both report gauges.
  const reportQueue = perScrape(() => {
    const rows = now()
      .host.db.select({ state: reportRuns.state, n: count(), oldest: min(reportRuns.createdAt) })
      .from(reportRuns)
      .where(inArray(reportRuns.state, ['queued', 'running']))
      .groupBy(reportRuns.state)
      .all();
    const oldest = rows.reduce<number | null>((m, r) => (r.oldest !== null && (m === null || r.oldest < m) ? r.oldest : m), null);
    return { counts: new Map(rows.map((r) => [r.state, r.n])), oldest };
  });
  new client.Gauge({
    name: 'depotdesk_report_jobs',
    help: 'Report jobs (PDF, workbook) waiting or being built',
    labelNames: ['state'],
    registers,
    collect() {
      const { counts } = reportQueue();
      for (const s of ['queued', 'running'] as const) this.set({ state: s }, counts.get(s) ?? 0);
    },
  });

  new client.Gauge({
    name: 'depotdesk_report_queue_lag_seconds',
    help: 'How long the oldest report job still waiting or being built has been asked for (0 when none)',
    registers,
    collect() {
      const { oldest } = reportQueue();
      this.set(oldest === null ? 0 : Math.max(0, (now().host.clock.now() - oldest) / 1000));
    },
  });

  new client.Gauge({
    name: 'depotdesk_telemetry_devices',
    help: 'Configured sensor devices by state (connected, silent, disconnected, error, disabled)',
    labelNames: ['state'],
    registers,
    collect() {
      const statuses = now().services.telemetry?.source.statuses() ?? [];
      for (const s of DEVICE_STATES) this.set({ state: s }, statuses.filter((d) => d.state === s).length);
    },
  });

  // One status read per scrape for the three sync gauges (it counts pending rows and refusals).
  const syncStatus = perScrape((): SyncStatusDto | null => now().services.sync?.status() ?? null);
  new client.Gauge({
    name: 'depotdesk_sync_pending_mutations',
    help: "This depot's changes not yet acknowledged by the hub (0 when not enrolled)",
    registers,
    collect() {
      this.set(syncStatus()?.pending ?? 0);
    },
  });
  new client.Gauge({
    name: 'depotdesk_sync_enrolled',
    help: '1 when this depot is enrolled with a hub and not paused',
    registers,
    collect() {
      const s = syncStatus();
      this.set(s?.enrolled && !s.paused ? 1 : 0);
    },
  });
  new client.Gauge({
    name: 'depotdesk_sync_last_push_age_seconds',
    help: 'Seconds since this depot last pushed to the hub (absent until it has)',
    registers,
    collect() {
      this.reset();
      const last = syncStatus()?.lastPushAt;
      if (last) this.set(Math.max(0, (now().host.clock.now() - Date.parse(last)) / 1000));
    },
  });
  new client.Gauge({
    name: 'depotdesk_sync_refusals_open',
    help: 'Changes the hub refused or reported in conflict that nobody has dismissed yet',
    registers,
    collect() {
      const s = syncStatus();
      this.set((s?.refusals ?? 0) + (s?.conflicts ?? 0));
    },
  });
}

/**
 * `read` once per scrape: prom-client collects every gauge of a scrape in one turn of the event loop,
 * so a value kept until the next turn serves the gauges that share it, and the next scrape reads anew.
 */
function perScrape<T>(read: () => T): () => T {
  let kept: { value: T } | null = null;
  return () => {
    if (!kept) {
      kept = { value: read() };
      setImmediate(() => (kept = null));
    }
    return kept.value;
  };
}
