import { IdParams, page } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { getWorkOrder } from '../work-orders/repo.js';
import { Message, MessageListQuery, PostMessageRequest } from './contract.js';
import { listMessages } from './repo.js';
import { postMessage } from './service.js';

const TAG = 'Messages';

export const messageRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/messages',
    tag: TAG,
    access: 'workorder:read',
    summary: 'The crew ↔ dispatcher thread of a work order, oldest first',
    params: IdParams,
    query: MessageListQuery,
    response: page(Message),
    handler: ({ ctx, params, query }) => {
      getWorkOrder(ctx, params.id);
      return listMessages(ctx, params.id, query);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/messages',
    tag: TAG,
    access: 'workorder:field',
    summary: "Post to a work order's thread; clients hear it live as a change of table work_order_messages",
    params: IdParams,
    body: PostMessageRequest,
    response: Message,
    errors: [422],
    handler: ({ ctx, params, body }) => postMessage(ctx, params.id, body),
  }),
];
