import { z } from 'zod';
import type { Services } from '../services.js';
import type { Host } from '../core/context.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { EnrolBody, SyncRefusalList, SyncStatus } from './contract.js';
import { SyncRuntime } from './runtime.js';
import * as sync from './service.js';
import { listRefusals } from './store.js';

/** The host's sync runtime; an app built without start.ts gets one that is not started (status and "sync now" work). */
export function syncRuntime(services: Services, host: Host): SyncRuntime {
  return (services.sync ??= new SyncRuntime(host));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const syncRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/sync/status',
    tag: 'Sync',
    access: 'workorder:read',
    summary: "This depot's link to its organization's hub: phase, live socket, pending mutations, last push and pull, open refusals",
    response: SyncStatus,
    handler: ({ host, services }) => syncRuntime(services, host).status(),
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/enrol',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Join the organization hub with an enrolment code a hub admin issued; the depot then pushes its log and pulls a snapshot',
    body: EnrolBody,
    response: SyncStatus,
    errors: [409, 422, 502],
    idempotent: false,
    handler: async ({ ctx, host, services, body }) => {
      await sync.enrol(ctx, body);
      const runtime = syncRuntime(services, host);
      runtime.loop.forgetLink();
      runtime.loop.kick(0);
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/pause',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Stop syncing (the depot keeps working and keeps its credential); resume picks up where it stopped',
    response: SyncStatus,
    errors: [409],
    handler: ({ ctx, host, services }) => {
      sync.pause(ctx, true);
      const runtime = syncRuntime(services, host);
      runtime.loop.kick(0);
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/resume',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Resume syncing after a pause',
    response: SyncStatus,
    errors: [409],
    handler: ({ ctx, host, services }) => {
      sync.pause(ctx, false);
      const runtime = syncRuntime(services, host);
      runtime.loop.kick(0);
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/now',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Push and pull now, and answer when the cycle is done (its error, if any, is in lastError)',
    response: SyncStatus,
    idempotent: false,
    handler: async ({ host, services }) => {
      const runtime = syncRuntime(services, host);
      await runtime.loop.runOnce();
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/drift-check',
    tag: 'Sync',
    access: 'sync:manage',
    summary:
      "Compare this depot's rows per table with the hub's now and fetch what is missing here (runs hourly on its own; the result is in drift)",
    response: SyncStatus,
    idempotent: false,
    handler: async ({ host, services }) => {
      const runtime = syncRuntime(services, host);
      await runtime.loop.checkDriftNow();
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/resnapshot',
    tag: 'Sync',
    access: 'sync:manage',
    summary: "Pull the organization's whole current state again from the hub (local changes not yet pushed are kept)",
    response: SyncStatus,
    errors: [409],
    handler: ({ ctx, host, services }) => {
      sync.resnapshot(ctx);
      const runtime = syncRuntime(services, host);
      runtime.loop.kick(0);
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/leave',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Leave the hub: the credential is revoked there and forgotten here; the depot keeps all its data',
    response: SyncStatus,
    errors: [409],
    idempotent: false,
    handler: async ({ ctx, host, services }) => {
      const runtime = syncRuntime(services, host);
      await sync.leave(ctx);
      runtime.loop.forgetLink();
      runtime.loop.kick(0);
      return runtime.status();
    },
  }),
  defineRoute({
    method: 'get',
    path: '/sync/refusals',
    tag: 'Sync',
    access: 'sync:manage',
    summary: "Mutations of this depot the hub refused or merged as a conflict, with the hub's reason",
    query: z.object({ dismissed: z.enum(['true', 'false']).default('false') }),
    response: SyncRefusalList,
    handler: ({ ctx, host, query }) => ({
      items: listRefusals(host, ctx.orgId, query.dismissed === 'true').map((r) => ({
        ...r,
        at: iso(r.at)!,
        dismissedAt: iso(r.dismissedAt),
      })),
    }),
  }),
  defineRoute({
    method: 'post',
    status: 200,
    path: '/sync/refusals/:mutationId/dismiss',
    tag: 'Sync',
    access: 'sync:manage',
    summary: 'Mark a refusal as seen (it stays on record)',
    params: z.object({ mutationId: z.uuid() }),
    response: SyncStatus,
    errors: [404],
    handler: ({ ctx, host, services, params }) => {
      sync.dismiss(ctx, params.mutationId);
      return syncRuntime(services, host).status();
    },
  }),
];
