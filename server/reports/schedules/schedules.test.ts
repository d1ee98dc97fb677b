import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { seedWorld, workOrderAt, type World } from '../../work-orders/fixtures.js';
import { reportsDir } from '../jobs/manager.js';
import { duePeriods, MAX_CATCH_UP, nextPeriodEnd } from './periods.js';
import { ReportScheduler } from './scheduler.js';

const at = (s: string) => Date.parse(s);
const isoOf = (p: { from: number; to: number }) => [new Date(p.from).toISOString(), new Date(p.to).toISOString()];

describe('report periods', () => {
  it('when days cross a DST change, then each period runs local midnight to local midnight', () => {
    const p = duePeriods('daily', at('2026-10-25T00:00:00Z'), at('2026-10-26T09:00:00Z'), 'Europe/London');
    expect(p.map(isoOf)).toEqual([
      ['2026-10-24T23:00:00.000Z', '2026-10-26T00:00:00.000Z'], // Sunday 25 Oct is 25 hours long
    ]);
  });
  it('when weeks and months are due, then they start on Monday and on the 1st', () => {
    expect(duePeriods('weekly', at('2026-11-10T00:00:00Z'), at('2026-11-18T10:00:00Z'), 'UTC').map(isoOf)).toEqual([
      ['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
    ]);
    expect(duePeriods('monthly', at('2026-10-15T00:00:00Z'), at('2026-11-18T10:00:00Z'), 'UTC').map(isoOf)).toEqual([
      ['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ]);
    expect(new Date(nextPeriodEnd('weekly', at('2026-11-18T10:00:00Z'), 'UTC')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });
  it('when many periods were missed, then only the most recent seven catch up, oldest first', () => {
    const p = duePeriods('daily', at('2026-11-01T00:00:00Z'), at('2026-11-30T06:00:00Z'), 'UTC');
    expect(p).toHaveLength(MAX_CATCH_UP);
    expect(isoOf(p[0]!)[0]).toBe('2026-11-23T00:00:00.000Z');
    expect(isoOf(p.at(-1)!)[1]).toBe('2026-11-30T00:00:00.000Z');
    expect(duePeriods('daily', at('2026-11-30T00:00:00Z'), at('2026-11-30T23:59:00Z'), 'UTC')).toEqual([]);
  });
});

let t: TestHost;
let world: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
  workOrderAt(world, 'CLOSED');
});
afterAll(async () => {
  await t.services.reportJobs.close();
  await t.close();
});

describe('scheduled reports', () => {
  it('when a schedule is created, edited and listed, then it says when it runs next and refuses a stale edit', async () => {
    const made = await t.api('POST', '/api/v1/reports/schedules', {
      token: world.tokens.dispatcher,
      body: { name: 'Daily KPIs', kind: 'kpi-pdf', cadence: 'daily', filters: { teamId: world.teams.alpha } },
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ slug: 'daily-kpis', enabled: true, lastPeriodEnd: null, nextRunAt: '2026-11-21T00:00:00.000Z' });
    const again = await t.api('POST', '/api/v1/reports/schedules', {
      token: world.tokens.dispatcher,
      body: { name: 'Daily KPIs', kind: 'workbook', cadence: 'monthly' },
    });
    expect(again.body.slug).toBe('daily-kpis-2');
    const stale = await t.api('PATCH', `/api/v1/reports/schedules/${again.body.id}`, {
      token: world.tokens.dispatcher,
      headers: { 'if-match': '"9"' },
      body: { enabled: false },
    });
    expect(stale.status).toBe(409);
    const off = await t.api('PATCH', `/api/v1/reports/schedules/${again.body.id}`, {
      token: world.tokens.dispatcher,
      headers: { 'if-match': '"1"' },
      body: { enabled: false },
    });
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
    expect(
      (
        await t.api('POST', '/api/v1/reports/schedules', {
          token: world.tokens.tech1,
          body: { name: 'x', kind: 'kpi-pdf', cadence: 'daily' },
        })
      ).status,
    ).toBe(403);
    const other = await seedWorld(t, 'Elsewhere');
    expect((await t.api('GET', `/api/v1/reports/schedules/${made.body.id}`, { token: other.tokens.dispatcher })).status).toBe(404);
    expect((await t.api('DELETE', `/api/v1/reports/schedules/${again.body.id}`, { token: world.tokens.dispatcher })).status).toBe(204);
  });

  it('when a period ends, and later when the host was off for ten days, then each missed day gets one run (up to seven) with a predictable file name', async () => {
    const scheduler = new ReportScheduler(t.host, () => t.services.reportJobs);
    expect(scheduler.tick()).toHaveLength(0);
    t.clock.set('2026-11-21T00:30:00Z');
    const first = await Promise.all(scheduler.tick());
    expect(first.map((j) => [j.state, j.fileName])).toEqual([['done', 'kpi-pdf-2026-11-20-daily-kpis.pdf']]);
    expect(scheduler.tick()).toHaveLength(0);

    // The host was off from the 21st to 1 December: starting catches up.
    t.clock.set('2026-12-01T08:00:00Z');
    const restarted = new ReportScheduler(t.host, () => t.services.reportJobs).start();
    // start() queued the missed runs; a second check finds nothing due.
    expect(restarted.tick()).toHaveLength(0);
    restarted.stop();
    const list = await t.api<{ items: { id: string; slug: string; lastPeriodEnd: string }[] }>('GET', '/api/v1/reports/schedules', {
      token: world.tokens.dispatcher,
    });
    const daily = list.body.items.find((s) => s.slug === 'daily-kpis')!;
    expect(daily.lastPeriodEnd).toBe('2026-12-01T00:00:00.000Z');
    await waitForIdle();
    const runs = await t.api<{ items: { state: string; fileName: string }[] }>('GET', `/api/v1/reports/schedules/${daily.id}/runs`, {
      token: world.tokens.dispatcher,
    });
    expect(runs.body.items.map((r) => r.fileName)).toEqual(
      ['30', '29', '28', '27', '26', '25', '24']
        .map((d) => `kpi-pdf-2026-11-${d}-daily-kpis.pdf`)
        .concat('kpi-pdf-2026-11-20-daily-kpis.pdf'),
    );
    expect(runs.body.items.every((r) => r.state === 'done')).toBe(true);
    // Each run was a durable job, queued in the transaction that marked its period, and ended done.
    await t.services.jobs.idle();
    const jobStates = t.host.sqlite
      .prepare("SELECT j.state FROM jobs j JOIN report_runs r ON j.kind = 'report.build' AND j.key = r.id WHERE r.schedule_id = ?")
      .pluck()
      .all(daily.id);
    expect(jobStates).toEqual(Array(8).fill('done'));
    const names = fs.readdirSync(reportsDir(t.dataDir)).filter((f) => f.endsWith('-daily-kpis.pdf'));
    expect(names).toHaveLength(8);

    const files = await t.api<{ items: { fileName: string; url: string; scheduleId: string }[] }>('GET', '/api/v1/reports/files', {
      token: world.tokens.viewer,
    });
    const newest = files.body.items.find((f) => f.fileName === 'kpi-pdf-2026-11-30-daily-kpis.pdf')!;
    expect(newest.scheduleId).toBe(daily.id);
    const download = await fetch(t.url + newest.url, { headers: { authorization: `Bearer ${world.tokens.viewer}` } });
    expect(download.status).toBe(200);
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect(fs.statSync(path.join(reportsDir(t.dataDir), newest.fileName)).size).toBeGreaterThan(1000);
  }, 120_000);
});

/** Resolves when no report job is queued or running (the scheduler's start() does not hand back its jobs). */
async function waitForIdle(): Promise<void> {
  const pending = t.host.sqlite.prepare("SELECT id FROM report_runs WHERE state IN ('queued', 'running')").pluck().all() as string[];
  const { settled } = await import('../test-data.js');
  await Promise.all(pending.map((id) => settled(t, world.orgId, id)));
}
