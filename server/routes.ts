import type { AnyRoute } from './http/route.js';
import { workOrderRoutes } from './work-orders/routes.js';
import { authRoutes } from './auth/routes.js';
import { depotRoutes } from './depots/routes.js';
import { locationRoutes } from './locations/routes.js';
import { assetRoutes } from './assets/routes.js';
import { userRoutes } from './people/routes.js';
import { skillRoutes } from './skills/routes.js';
import { teamRoutes } from './teams/routes.js';
import { vehicleRoutes } from './vehicles/routes.js';
import { stockRoutes } from './stock/routes.js';
import { projectRoutes } from './projects/routes.js';
import { templateRoutes } from './templates/routes.js';
import { slaRoutes } from './sla/routes.js';
import { auditRoutes } from './audit/routes.js';
import { mapRoutes } from './map/routes.js';
import { lifecycleRoutes } from './work-orders/lifecycle-routes.js';
import { countsRoutes } from './work-orders/counts-routes.js';
import { preferenceRoutes } from './preferences/routes.js';
import { attachmentRoutes } from './attachments/routes.js';
import { crewRosterRoutes } from './people/crew-roster.js';
import { demoSetupRoutes } from './auth/demo-setup.js';
import { pairingRoutes } from './pairing/routes.js';
import { lanInfoRoutes } from './lan/info.js';
import { telemetryRoutes } from './telemetry/routes.js';
import { noteRoutes } from './work-orders/notes-routes.js';
import { messageRoutes } from './messages/routes.js';
import { attendanceRoutes } from './attendance/routes.js';
import { reportExportRoutes } from './reports/routes-exports.js';
import { kpiRoutes } from './reports/routes-kpi.js';
import { activityRoutes } from './reports/activity/routes.js';
import { backupRoutes } from './backups/routes.js';
import { syncRoutes } from './sync/routes.js';
import { deletedRoutes } from './deleted/routes.js';
import { jobRoutes } from './jobs/routes.js';
import { optimiseRoutes } from './optimise/routes.js';
import { maintenancePlanRoutes } from './maintenance/routes.js';

/**
 * Every API v1 route, by feature. Each feature folder exports its route list; add new features here.
 */
export function allRoutes(): AnyRoute[] {
  return [
    ...authRoutes,
    ...demoSetupRoutes,
    ...pairingRoutes,
    ...lanInfoRoutes,
    ...lifecycleRoutes /* before /work-orders/:id */,
    ...countsRoutes /* before /work-orders/:id */,
    ...workOrderRoutes,
    ...depotRoutes,
    ...locationRoutes,
    ...assetRoutes,
    ...userRoutes,
    ...crewRosterRoutes,
    ...skillRoutes,
    ...teamRoutes,
    ...vehicleRoutes,
    ...stockRoutes,
    ...projectRoutes,
    ...templateRoutes,
    ...slaRoutes,
    ...auditRoutes,
    ...attachmentRoutes,
    ...noteRoutes,
    ...messageRoutes,
    ...attendanceRoutes,
    ...reportExportRoutes,
    ...kpiRoutes,
    ...activityRoutes,
    ...preferenceRoutes,
    ...mapRoutes,
    ...telemetryRoutes,
    ...backupRoutes,
    ...syncRoutes,
    ...deletedRoutes,
    ...jobRoutes,
    ...optimiseRoutes,
    ...maintenancePlanRoutes,
  ];
}
