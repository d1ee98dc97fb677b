import { z } from 'zod';
import { IsoTime } from '../http/contract-common.js';

/** Mirrors JOB_STATES in db/schema/jobs.ts (contracts import only zod; jobs.test.ts checks they agree). */
export const JobStateSchema = z.enum(['queued', 'running', 'failed', 'done', 'dead']).meta({
  description: 'queued: waiting; running: claimed; failed: an attempt failed, retried at runAt; done; dead: out of attempts',
});

export const JobListQuery = z.strictObject({
  state: JobStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last id of the previous page (ids are time-ordered UUIDv7). */
  cursor: z.uuid().optional(),
});

export const JobDto = z
  .object({
    id: z.string(),
    kind: z.string(),
    key: z.string(),
    state: JobStateSchema,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAt: IsoTime,
    lastError: z.string().nullable(),
    payload: z.unknown(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    finishedAt: IsoTime.nullable(),
  })
  .meta({ id: 'Job', description: 'A durable background job of this depot host' });
export type JobDto = z.infer<typeof JobDto>;

export const JobList = z.object({ items: z.array(JobDto), nextCursor: z.string().nullable() });
export type JobList = z.infer<typeof JobList>;
