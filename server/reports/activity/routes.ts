import { defineRoute, type AnyRoute } from '../../http/route.js';
import { ActivityQuerySchema, ActivityReportSchema } from './contract.js';
import { activityReport } from './service.js';

export const activityRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/reports/activity',
    summary: 'Work orders created, changed and completed per person per day of a period (from the audit trail)',
    tag: 'Reports',
    // Who did how much is read from the audit trail, and is shown to those who may read it.
    access: 'audit:read',
    query: ActivityQuerySchema,
    response: ActivityReportSchema,
    handler: ({ ctx, query }) => activityReport(ctx, query),
  }),
];
