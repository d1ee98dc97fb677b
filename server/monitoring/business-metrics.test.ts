import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { createVia, seedWorld, type World } from '../work-orders/fixtures.js';
import { mutate } from '../core/mutate.js';
import { reportRuns } from '../../db/schema/index.js';

// The fixtures' policy: corrective/high → respond within 2 business hours (at risk after 1.5),
// Mon–Fri 09:00–17:00 UTC. 2026-11-16 is a Monday.
let t: TestHost;
let w: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-16T10:00:00Z' });
  w = await seedWorld(t);
});
afterAll(() => t.close());

/** The value of one series in the host's /metrics text, or null when it is not there. */
async function scrape(): Promise<(series: string) => number | null> {
  const res = await fetch(`${t.url}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return (series) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : null;
  };
}

describe('business figures in /metrics', () => {
  it('when open work moves from on time to at risk to breached, then the gauges say so at each scrape', async () => {
    const before = await scrape();
    const base = {
      ok: before('depotdesk_work_orders_open{sla_state="ok"}') ?? 0,
      at_risk: before('depotdesk_work_orders_open{sla_state="at_risk"}') ?? 0,
      breached: before('depotdesk_work_orders_open{sla_state="breached"}') ?? 0,
    };
    t.clock.set('2026-11-16T10:00:00Z');
    await createVia(t, w, {});
    await createVia(t, w, {});
    const steps: [string, keyof typeof base][] = [
      ['2026-11-16T11:00:00Z', 'ok'],
      ['2026-11-16T11:45:00Z', 'at_risk'],
      ['2026-11-16T12:30:00Z', 'breached'],
    ];
    for (const [at, state] of steps) {
      t.clock.set(at);
      const m = await scrape();
      expect(m(`depotdesk_work_orders_open{sla_state="${state}"}`), at).toBe(base[state] + 2);
    }
  });

  it('when a report job has waited 90 s, then the queue gauges count it and its age', async () => {
    expect((await scrape())('depotdesk_report_queue_lag_seconds')).toBe(0);
    t.clock.set('2026-11-16T13:00:00Z');
    // Queued as the job manager queues one; no manager runs in this test host, so it stays queued.
    mutate(w.ctx, 'report.requested', (wr) =>
      wr.insert(reportRuns, { kind: 'kpi-pdf', state: 'queued', params: {}, requestedBy: w.people.dispatcher }),
    );
    await t.host.commits.durable();
    t.clock.set('2026-11-16T13:01:30Z');
    const m = await scrape();
    expect(m('depotdesk_report_jobs{state="queued"}')).toBe(1);
    expect(m('depotdesk_report_queue_lag_seconds')).toBe(90);
  });

  it('when the depot is not enrolled and has no sensors, then sync and telemetry gauges read zero', async () => {
    const m = await scrape();
    expect(m('depotdesk_sync_enrolled')).toBe(0);
    expect(m('depotdesk_sync_pending_mutations')).toBe(0);
    expect(m('depotdesk_telemetry_devices{state="connected"}')).toBe(0);
  });
});
