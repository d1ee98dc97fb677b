// Plain data, shared with the console's bundle: no zod here (see contract.ts).

/**
 * Every kind of record whose delete can be undone through a restore route, with the permission that
 * route (and the delete) needs, and the table it lives in (the console refreshes the bin when the
 * socket names one of them). The console hides kinds the signed-in role may not restore; the host
 * lists only those. `deleted.test.ts` checks each entry against the real route table, so this list
 * cannot drift from the routes it names.
 */
export const DELETED_KINDS = {
  slaPolicy: { table: 'sla_policies', label: 'SLA policy', permission: 'sla:manage' },
  slaCalendar: { table: 'sla_calendars', label: 'SLA calendar', permission: 'sla:manage' },
  team: { table: 'teams', label: 'Team', permission: 'catalog:manage' },
  skill: { table: 'skills', label: 'Skill', permission: 'catalog:manage' },
  depot: { table: 'depots', label: 'Depot', permission: 'catalog:manage' },
  vehicle: { table: 'vehicles', label: 'Vehicle', permission: 'catalog:manage' },
  template: { table: 'task_templates', label: 'Task template', permission: 'catalog:manage' },
  location: { table: 'locations', label: 'Location', permission: 'location:write' },
  asset: { table: 'assets', label: 'Asset', permission: 'asset:write' },
  project: { table: 'projects', label: 'Project', permission: 'project:write' },
  phase: { table: 'project_phases', label: 'Project phase', permission: 'project:write' },
  milestone: { table: 'milestones', label: 'Milestone', permission: 'project:write' },
  stockItem: { table: 'stock_items', label: 'Stock item', permission: 'stock:write' },
  reportSchedule: { table: 'report_schedules', label: 'Report schedule', permission: 'report:export' },
  maintenancePlan: { table: 'maintenance_plans', label: 'Maintenance plan', permission: 'maintenance:plan' },
} as const;

export type DeletedKind = keyof typeof DELETED_KINDS;
