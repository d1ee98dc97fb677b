import { IdParams } from '../http/contract-common.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { AcceptRequest, AcceptResult, CrewSuggestions, OptimiseJob, OptimiseRequest } from './contract.js';
import { suggestCrews } from './suggest.js';
import { toJobView } from './jobs.js';
import { acceptMoves } from './service.js';

/** Plan optimiser (issue 19 item 1): dispatchers and admins only (`plan:optimise`). */
export const optimiseRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/plan/optimise',
    tag: 'Planning',
    access: 'plan:optimise',
    summary: 'Start optimising the plan of a date range (a team, or the whole depot) in the background',
    body: OptimiseRequest,
    response: OptimiseJob,
    status: 202,
    handler: ({ ctx, body, services }) => toJobView(services.optimiser.start(ctx, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/plan/optimise/:id',
    tag: 'Planning',
    access: 'plan:optimise',
    summary: "An optimiser run's progress, and its proposal (moves with reasons) once done",
    params: IdParams,
    response: OptimiseJob,
    handler: ({ ctx, params, services }) => toJobView(services.optimiser.get(ctx, params.id)),
  }),
  defineRoute({
    method: 'delete',
    path: '/plan/optimise/:id',
    tag: 'Planning',
    access: 'plan:optimise',
    summary: 'Cancel a running optimiser run, or discard its proposal',
    params: IdParams,
    response: null,
    handler: ({ ctx, params, services }) => {
      services.optimiser.cancel(ctx, params.id);
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/plan/optimise/:id/accept',
    tag: 'Planning',
    access: 'plan:optimise',
    summary: 'Apply all or some of the proposed moves in one transaction (refused if any changed since)',
    params: IdParams,
    body: AcceptRequest,
    response: AcceptResult,
    status: 200,
    errors: [409],
    handler: ({ ctx, params, body, services }) => acceptMoves(ctx, services.optimiser.get(ctx, params.id), body.workOrderIds),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/crew-suggestions',
    tag: 'Planning',
    access: 'workorder:assign',
    summary:
      'The best crews for a new or scheduled work order: the earliest slot each could take without moving the plan, ranked, with reasons',
    params: IdParams,
    response: CrewSuggestions,
    errors: [409],
    handler: ({ ctx, params }) => suggestCrews(ctx, params.id),
  }),
];
