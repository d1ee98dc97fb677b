import { WORK_ORDER_STATUSES } from '../../db/schema/index.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { WorkOrderCounts, WorkOrderCountsQuery } from './contract.js';
import { countWorkOrdersByStatus } from './list-query.js';

export const countsRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/work-orders/counts',
    tag: 'Work orders',
    access: 'workorder:read',
    summary: "How many work orders each status holds under the list's filters (the board's column counts), with the total",
    query: WorkOrderCountsQuery,
    response: WorkOrderCounts,
    handler: ({ ctx, query }) => {
      const found = countWorkOrdersByStatus(ctx, query);
      const byStatus = Object.fromEntries(WORK_ORDER_STATUSES.map((s) => [s, found[s] ?? 0])) as Record<
        (typeof WORK_ORDER_STATUSES)[number],
        number
      >;
      return { byStatus, total: Object.values(byStatus).reduce((a, b) => a + b, 0) };
    },
  }),
];
