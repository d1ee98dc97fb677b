import type { Role } from '../../db/schema/index.js';
import { can, type Permission } from '../auth/permissions.js';

/**
 * Which permission a replicated change needs, per table (docs/sync.md, Push step 4). The hub
 * re-checks every mutation's actor against this before it merges: a depot's own checks are finer
 * (a technician only on their own and their team's work), but the hub must not take a change the
 * actor's role could never have made anywhere, whatever a depot (or a forged body) sends.
 *
 * Pure, so both ends can read it; each entry lists the permissions of which ANY suffices, taken from
 * the routes that write the table.
 */
const WORK_ORDER_WRITES: readonly Permission[] = [
  'workorder:create',
  'workorder:update',
  'workorder:assign',
  'workorder:transition',
  'workorder:field',
  'workorder:approve',
];

export const TABLE_PERMITS: Readonly<Record<string, readonly Permission[]>> = {
  organizations: ['org:manage'],
  depots: ['catalog:manage'],
  users: ['user:manage'],
  teams: ['catalog:manage'],
  team_members: ['catalog:manage', 'user:manage'],
  skills: ['catalog:manage'],
  user_skills: ['catalog:manage', 'user:manage'],
  assets: ['asset:write'],
  locations: ['location:write'],
  vehicles: ['catalog:manage'],
  projects: ['project:write'],
  project_phases: ['project:write'],
  milestones: ['project:write'],
  task_templates: ['catalog:manage'],
  sla_calendars: ['sla:manage'],
  sla_policies: ['sla:manage'],
  work_orders: WORK_ORDER_WRITES,
  work_order_events: WORK_ORDER_WRITES,
  checklist_results: ['workorder:field'],
  attachments: ['workorder:field'],
  closure_approvals: ['workorder:field', 'workorder:approve'],
  work_order_messages: ['workorder:field'],
  attendance: ['workorder:field', 'attendance:review'],
  stock_items: ['stock:write'],
  stock_levels: ['stock:write', 'stock:use'],
  stock_movements: ['stock:write', 'stock:use'],
  material_usages: ['stock:use', 'workorder:field'],
  telemetry_devices: ['telemetry:manage'],
  telemetry_settings: ['telemetry:manage'],
  telemetry_rules: ['telemetry:rules', 'telemetry:manage'],
  telemetry_alerts: ['telemetry:ack', 'telemetry:rules', 'telemetry:manage'],
  // Readings come from the depot's serial pipeline (a system actor); positions also from crew phones.
  telemetry_readings: ['telemetry:manage'],
  vehicle_positions: ['telemetry:manage', 'workorder:field'],
  report_schedules: ['report:export'],
  share_links: ['report:export'],
  // Occurrences are written by the plan's editor (an edit regenerates them) or the depot's generator (a system actor).
  maintenance_plans: ['maintenance:plan'],
  maintenance_occurrences: ['maintenance:plan'],
};

/** Tables a depot's own system jobs may never write at the hub: who may sign in, and the org itself. */
export const SYSTEM_FORBIDDEN_TABLES: ReadonlySet<string> = new Set(['users', 'organizations']);

/** An intent column's transition needs this on top of the table's permit (and the lifecycle's role rule). */
export const INTENT_PERMIT: Permission = 'workorder:transition';

export type PermitRefusal = { code: 'no_permit' | 'forbidden'; message: string };

/**
 * Whether a user of `role` may write `table`; null when allowed. A table with no entry is refused:
 * a table that starts travelling must be given a permit before the hub takes it.
 */
export function checkPermit(role: Role, table: string, intent = false): PermitRefusal | null {
  const permits = TABLE_PERMITS[table];
  if (!permits) return { code: 'no_permit', message: `Table ${table} has no sync permit, so the hub takes no change to it.` };
  if (!permits.some((p) => can(role, p))) {
    return { code: 'forbidden', message: `A ${role} may not change ${table} (needs ${permits.join(' or ')}).` };
  }
  if (intent && !can(role, INTENT_PERMIT)) {
    return { code: 'forbidden', message: `A ${role} may not move a work order's status (needs ${INTENT_PERMIT}).` };
  }
  return null;
}
