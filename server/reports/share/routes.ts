import { z } from 'zod';
import { IdParams } from '../../http/contract-common.js';
import { defineRoute, Reply, type AnyRoute } from '../../http/route.js';
import { CreatedShareLink, CreateShareRequest, ShareLink } from '../contract-exports.js';
import { createShare, listShares, revokeShare } from './service.js';

const TAG = 'Share links';

export const shareRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/share',
    tag: TAG,
    access: 'workorder:update',
    status: 201,
    summary:
      'Make a read-only status link for a customer (/s/<code>): expiry of your choice, optional password. The code is shown only now',
    params: IdParams,
    body: CreateShareRequest,
    response: CreatedShareLink,
    errors: [422],
    handler: async ({ ctx, params, body }) => new Reply(201, await createShare(ctx, params.id, body)),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/share',
    tag: TAG,
    access: 'workorder:update',
    summary: 'The share links of a work order with their state and open counts, newest first',
    params: IdParams,
    response: z.object({ items: z.array(ShareLink), nextCursor: z.string().nullable() }),
    handler: ({ ctx, params }) => ({ items: listShares(ctx, params.id), nextCursor: null }),
  }),
  defineRoute({
    method: 'delete',
    path: '/share/:id',
    tag: TAG,
    access: 'workorder:update',
    status: 200,
    summary: 'Revoke a share link: its page answers 404 from now on',
    params: IdParams,
    response: ShareLink,
    handler: ({ ctx, params }) => revokeShare(ctx, params.id),
  }),
];
