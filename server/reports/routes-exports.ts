import type { AnyRoute } from '../http/route.js';
import { reportJobRoutes } from './jobs/routes.js';
import { shareRoutes } from './share/routes.js';
import { scheduleRoutes } from './schedules/routes.js';

/** Exports, background jobs, schedules and share links (the KPI endpoints live in routes-kpi.ts). */
export const reportExportRoutes: AnyRoute[] = [...reportJobRoutes, ...scheduleRoutes, ...shareRoutes];
