import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOB_STATES } from '../../db/schema/index.js';
import { mutate } from '../core/mutate.js';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { settled } from '../reports/test-data.js';
import { JobStateSchema, type JobDto } from './contract.js';
import { defineJobKind } from './kind.js';
import { JobRunner } from './runner.js';
import { DONE_JOBS_KEPT_MS, pruneFinishedJobs } from './service.js';
import type { Services } from '../services.js';
import { ReportJobs } from '../reports/jobs/manager.js';
import { reportBuildJob } from '../reports/jobs/durable.js';

let t: TestHost;
let world: World;

beforeAll(async () => {
  t = await startTestHost({ now: '2026-11-20T12:00:00Z' });
  world = await seedWorld(t);
});
afterAll(async () => {
  await t.services.reportJobs.close();
  await t.close();
});

const Payload = z.object({ n: z.number() });
/** Attempts each flaky job fails before it succeeds, by key. */
const failFirst = new Map<string, number>();
const flaky = defineJobKind({
  kind: 'test.flaky',
  payload: Payload,
  maxAttempts: 5,
  concurrency: 10,
  backoff: { baseMs: 1_000, capMs: 60_000 },
  async run({ job }) {
    if (job.attempt <= (failFirst.get(job.key) ?? 0)) throw new Error(`boom ${job.attempt}`);
  },
});
let doomedFixed = false;
const doomed = defineJobKind({
  kind: 'test.doomed',
  payload: Payload,
  maxAttempts: 2,
  backoff: { baseMs: 1_000, capMs: 1_000 },
  async run() {
    if (!doomedFixed) throw new Error('the relay refused it');
  },
});
/** A first attempt that applies its effect, then hangs until released (the host is "killed" there). */
let releaseHung: () => void = () => undefined;
const effectful = defineJobKind({
  kind: 'test.effect',
  payload: Payload,
  maxAttempts: 3,
  leaseMs: 30_000,
  async run({ job, once }) {
    once('audit', 'test.effect', (w) => w.audit('test.effect', 'jobs', job.key, null, { attempt: job.attempt }));
    if (job.attempt === 1) await new Promise<void>((resolve) => (releaseHung = resolve));
  },
});
const kinds = [flaky, doomed, effectful];
// random() = 1: the whole backoff, so the test knows each due time exactly.
const runner = (only: readonly (typeof kinds)[number][] = kinds) => new JobRunner(t.host, t.services, only, { random: () => 1 });

const jobRow = (kind: string, key: string) =>
  t.host.sqlite.prepare('SELECT * FROM jobs WHERE kind = ? AND key = ?').get(kind, key) as
    { id: string; state: string; attempts: number; run_at: number; last_error: string | null; lease_until: number | null } | undefined;
const enqueue = (kind: (typeof kinds)[number], key: string) => mutate(world.ctx, 'test.enqueue', (w) => kind.enqueue(w, { n: 1 }, key));

describe('durable jobs', () => {
  it('when the mutation that queued a job fails, then the job rolls back with it; queuing a key twice is one job', () => {
    expect(() =>
      mutate(world.ctx, 'test.failing', (w) => {
        flaky.enqueue(w, { n: 1 }, 'rolled-back');
        throw new Error('validation failed later in the same write');
      }),
    ).toThrow('validation failed');
    expect(jobRow('test.flaky', 'rolled-back')).toBeUndefined();
    const first = enqueue(flaky, 'once-only');
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(enqueue(flaky, 'once-only')).toBeNull();
    expect(t.host.sqlite.prepare("SELECT count(*) FROM jobs WHERE key = 'once-only'").pluck().get()).toBe(1);
    expect(() => mutate(world.ctx, 'test.bad', (w) => flaky.enqueue(w, { n: 'x' } as never, 'bad'))).toThrow();
  });

  it('when a job fails twice, then it is retried after 1 s and 2 s backoffs and then succeeds', async () => {
    const r = runner();
    failFirst.set('retry', 2);
    enqueue(flaky, 'retry');
    await Promise.all(r.tick());
    const now = t.clock.now();
    expect(jobRow('test.flaky', 'retry')).toMatchObject({ state: 'failed', attempts: 1, run_at: now + 1_000, last_error: 'boom 1' });
    // Not due yet: nothing is claimed.
    expect(r.tick()).toHaveLength(0);
    t.clock.advance(1_000);
    await Promise.all(r.tick());
    expect(jobRow('test.flaky', 'retry')).toMatchObject({
      state: 'failed',
      attempts: 2,
      run_at: t.clock.now() + 2_000,
      last_error: 'boom 2',
    });
    t.clock.advance(2_000);
    await Promise.all(r.tick());
    expect(jobRow('test.flaky', 'retry')).toMatchObject({ state: 'done', attempts: 3, last_error: null });
    await r.stop();
  });

  it('when a job runs out of attempts, then it is dead with its error; an admin lists it and re-drives it, and it is done', async () => {
    const r = runner();
    const id = enqueue(doomed, 'mail-1')!;
    await Promise.all(r.tick());
    t.clock.advance(1_000);
    await Promise.all(r.tick());
    expect(jobRow('test.doomed', 'mail-1')).toMatchObject({ state: 'dead', attempts: 2, last_error: 'the relay refused it' });
    t.clock.advance(60_000);
    expect(r.tick()).toHaveLength(0);

    const dead = await t.api<{ items: JobDto[] }>('GET', '/api/v1/jobs?state=dead', { token: world.tokens.admin });
    expect(dead.status).toBe(200);
    expect(dead.body.items.map((j) => j.id)).toEqual([id]);
    expect(dead.body.items[0]).toMatchObject({
      kind: 'test.doomed',
      key: 'mail-1',
      attempts: 2,
      maxAttempts: 2,
      lastError: 'the relay refused it',
    });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/^depotdesk_jobs_dead\{kind="test\.doomed"\} 1$/m);
    expect(metrics).toMatch(/^depotdesk_jobs_failed_total\{kind="test\.doomed"\} 2$/m);

    doomedFixed = true;
    const redriven = await t.api<JobDto>('POST', `/api/v1/jobs/${id}/redrive`, { token: world.tokens.admin });
    expect(redriven.status).toBe(200);
    expect(redriven.body).toMatchObject({ state: 'queued', attempts: 0, lastError: null });
    const audit = t.host.sqlite
      .prepare("SELECT actor_id, before FROM audit_log WHERE action = 'jobs.redrive' AND entity_id = ?")
      .get(id) as {
      actor_id: string;
      before: string;
    };
    expect(audit.actor_id).toBe(world.people.admin);
    expect(JSON.parse(audit.before)).toMatchObject({ state: 'dead', lastError: 'the relay refused it' });
    await Promise.all(r.tick());
    expect(jobRow('test.doomed', 'mail-1')).toMatchObject({ state: 'done', attempts: 1 });
    const again = await t.api('POST', `/api/v1/jobs/${id}/redrive`, { token: world.tokens.admin });
    expect(again.status).toBe(409);
    await r.stop();
  });

  it('when a non-admin or another org asks, then it is 403 or 404 and never the job', async () => {
    const id = enqueue(flaky, 'scoped')!;
    for (const role of ['dispatcher', 'supervisor', 'viewer', 'tech1'] as const) {
      expect((await t.api('GET', '/api/v1/jobs', { token: world.tokens[role] })).status).toBe(403);
      expect((await t.api('POST', `/api/v1/jobs/${id}/redrive`, { token: world.tokens[role] })).status).toBe(403);
    }
    const other = await seedWorld(t, 'Elsewhere');
    const theirs = await t.api<{ items: JobDto[] }>('GET', '/api/v1/jobs', { token: other.tokens.admin });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    expect((await t.api('POST', `/api/v1/jobs/${id}/redrive`, { token: other.tokens.admin })).status).toBe(404);
    expect((await t.api('GET', '/api/v1/jobs?state=stuck', { token: world.tokens.admin })).status).toBe(400);
  });

  it('when the host dies mid-job, then after the lease another runner claims it again and the effect is applied once', async () => {
    const killed = runner([effectful]);
    enqueue(effectful, 'crash');
    // The first attempt applies its effect and never finishes: this runner is abandoned ("kill -9").
    const hung = killed.tick();
    expect(hung).toHaveLength(1);
    expect(jobRow('test.effect', 'crash')).toMatchObject({ state: 'running', attempts: 1 });
    const restarted = runner([effectful]);
    expect(restarted.tick()).toHaveLength(0); // leased to the dead host still
    t.clock.advance(30_000);
    await Promise.all(restarted.tick());
    expect(jobRow('test.effect', 'crash')).toMatchObject({ state: 'done', attempts: 2 });
    const effects = t.host.sqlite
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'test.effect' AND entity_id = 'crash'")
      .pluck()
      .get();
    expect(effects).toBe(1);
    // The stalled attempt ending late writes nothing: its claim was taken over.
    releaseHung();
    await Promise.all(hung);
    expect(jobRow('test.effect', 'crash')).toMatchObject({ state: 'done', attempts: 2 });
    await Promise.all([killed.stop(), restarted.stop()]);
  });

  it('when jobs are processed and one waits past its time, then /metrics has the counters and the queue lag', async () => {
    mutate(world.ctx, 'test.enqueue', (w) => w.enqueue({ kind: 'test.nobody-runs-this', key: 'lag', payload: {}, maxAttempts: 1 }));
    t.clock.advance(90_000);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/^depotdesk_jobs_processed_total\{kind="test\.flaky"\} [1-9]/m);
    expect(text).toMatch(/^depotdesk_jobs_retried_total\{kind="test\.flaky"\} 2$/m);
    expect(text).toMatch(/^depotdesk_jobs_failed_total\{kind="test\.flaky"\} 2$/m);
    expect(text).toMatch(/^# TYPE depotdesk_jobs_dead gauge$/m);
    const lag = Number(/^depotdesk_jobs_queue_lag_seconds (\S+)$/m.exec(text)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(90);
  });

  it('when a report is asked for, then its build is a durable job that ends done with the run', async () => {
    const res = await t.api<{ id: string }>('POST', '/api/v1/reports/jobs', { token: world.tokens.dispatcher, body: { kind: 'kpi-pdf' } });
    expect(res.status).toBe(202);
    expect(jobRow('report.build', res.body.id)).toMatchObject({ state: expect.stringMatching(/queued|running/) });
    expect((await settled(t, world.orgId, res.body.id)).state).toBe('done');
    await t.services.jobs.idle();
    expect(jobRow('report.build', res.body.id)).toMatchObject({ state: 'done', attempts: 1 });
  }, 60_000);

  it('when the host stops mid-build, then the run stays queued, its job goes back to the queue, and the next start builds it', async () => {
    const res = await t.api<{ id: string }>('POST', '/api/v1/reports/jobs', { token: world.tokens.dispatcher, body: { kind: 'workbook' } });
    await new Promise<void>((resolve) => {
      const off = t.host.bus.subscribe((m) => {
        const view = m.data as unknown as { id: string; state: string };
        if (m.type === 'report_job' && view.id === res.body.id && view.state === 'running') {
          off();
          resolve();
        }
      });
    });
    await t.services.reportJobs.close();
    await t.services.jobs.idle();
    expect(jobRow('report.build', res.body.id)).toMatchObject({ state: 'queued', attempts: 0, lease_until: null });
    expect(t.host.sqlite.prepare('SELECT state FROM report_runs WHERE id = ?').pluck().get(res.body.id)).toBe('queued');

    // The next start: a new pool and runner find the job at once (no lease to wait out).
    const pool = new ReportJobs(t.host);
    const services = Object.create(t.services, { reportJobs: { value: pool } }) as Services;
    const next = new JobRunner(t.host, services, [reportBuildJob]);
    await Promise.all(next.tick());
    expect(t.host.sqlite.prepare('SELECT state FROM report_runs WHERE id = ?').pluck().get(res.body.id)).toBe('done');
    expect(jobRow('report.build', res.body.id)).toMatchObject({ state: 'done', attempts: 1 });
    await next.stop();
    await pool.close();
  }, 60_000);

  it('when done jobs are older than the retention, then housekeeping prunes them and their effect keys, and keeps the rest', () => {
    const count = (sql: string) => t.host.sqlite.prepare(sql).pluck().get() as number;
    expect(count("SELECT count(*) FROM jobs WHERE state = 'done'")).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM job_effects')).toBeGreaterThan(0);
    expect(pruneFinishedJobs(t.host)).toBe(0);
    const waiting = count("SELECT count(*) FROM jobs WHERE state <> 'done'");
    t.clock.advance(DONE_JOBS_KEPT_MS + 1);
    expect(pruneFinishedJobs(t.host)).toBeGreaterThan(0);
    expect(count("SELECT count(*) FROM jobs WHERE state = 'done'")).toBe(0);
    expect(count('SELECT count(*) FROM job_effects')).toBe(0);
    expect(count('SELECT count(*) FROM jobs')).toBe(waiting);
  });

  it('when the contract lists job states, then they are the schema’s', () => {
    expect(JobStateSchema.options).toEqual([...JOB_STATES]);
  });
});
