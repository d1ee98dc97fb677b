import { IdParams, page } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { getWorkOrder } from '../work-orders/repo.js';
import { expectedVersion } from '../work-orders/routes.js';
import { Attendance, AttendanceListQuery, AttendanceRequest, WorkOrderAttendanceQuery } from './contract.js';
import { listAttendance, listForWorkOrder } from './repo.js';
import { recordAttendance, reviewAttendance } from './service.js';

const TAG = 'Attendance';

export const attendanceRoutes: AnyRoute[] = [
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/attendance',
    tag: TAG,
    access: 'workorder:field',
    summary: "Check in or out at the work order's site; the position is compared to the site's geofence (outside is stored and flagged)",
    params: IdParams,
    body: AttendanceRequest,
    response: Attendance,
    errors: [409, 422],
    handler: ({ ctx, params, body }) => recordAttendance(ctx, params.id, body),
  }),
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/attendance',
    tag: TAG,
    access: 'workorder:read',
    summary: 'Check-ins and check-outs on a work order, oldest first',
    params: IdParams,
    query: WorkOrderAttendanceQuery,
    response: page(Attendance),
    handler: ({ ctx, params, query }) => {
      getWorkOrder(ctx, params.id);
      return listForWorkOrder(ctx, params.id, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/attendance',
    tag: TAG,
    access: 'attendance:read',
    summary: 'Attendance across the organization; by default the flagged records (outside the fence or without a position), newest first',
    query: AttendanceListQuery,
    response: page(Attendance),
    handler: ({ ctx, query }) => listAttendance(ctx, query),
  }),
  defineRoute({
    method: 'post',
    path: '/attendance/:id/review',
    tag: TAG,
    access: 'attendance:review',
    status: 200,
    summary: 'Mark an attendance record as reviewed by a supervisor (If-Match: its version, optional)',
    params: IdParams,
    response: Attendance,
    errors: [409],
    handler: ({ ctx, params, req }) => reviewAttendance(ctx, params.id, { expectedVersion: expectedVersion(req) }),
  }),
];
