import { IdParams } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { JobDto, JobList, JobListQuery } from './contract.js';
import { listJobs } from './repo.js';
import { redriveJob } from './service.js';

const TAG = 'Jobs';

export const jobRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/jobs',
    tag: TAG,
    access: 'jobs:manage',
    summary: "The organization's background jobs on this depot, newest first; ?state=dead lists the dead-letter queue",
    query: JobListQuery,
    response: JobList,
    handler: ({ ctx, query }) => listJobs(ctx, query),
  }),
  defineRoute({
    method: 'post',
    path: '/jobs/:id/redrive',
    tag: TAG,
    access: 'jobs:manage',
    status: 200,
    summary: 'Send a dead job round again: queued now, its attempts reset (audited)',
    params: IdParams,
    response: JobDto,
    errors: [409],
    handler: ({ ctx, params }) => redriveJob(ctx, params.id),
  }),
];
