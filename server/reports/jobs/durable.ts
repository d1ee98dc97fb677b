import { z } from 'zod';
import { defineJobKind } from '../../jobs/kind.js';

/**
 * A report build as a durable job: POST /reports/jobs and the scheduler queue it in the same
 * transaction as the report_runs row, so a build asked for is a build that happens, after a crash or
 * a restart too. The job ends when its run does: done, or failed with the builder's message (a build
 * that failed fails the same way again, so the run's failure is not retried; the job retries only
 * when the handler itself breaks). Re-running is safe: a run already finished is left as it is.
 */
export const reportBuildJob = defineJobKind({
  kind: 'report.build',
  payload: z.object({ runId: z.string(), fileName: z.string().regex(/^[\w.-]+$/) }),
  maxAttempts: 3,
  // The pool builds two at once (server/reports/jobs/manager.ts); claiming more would only queue them there.
  concurrency: 2,
  backoff: { baseMs: 10_000, capMs: 5 * 60_000 },
  async run({ payload, ctx, services }) {
    await services.reportJobs.build(ctx.orgId, payload.runId, payload.fileName);
  },
});
