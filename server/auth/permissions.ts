import type { Role } from '../../db/schema/index.js';

/** Every capability the API checks. Routes name one of these; roles map to them in ONE table below. */
export const PERMISSIONS = [
  'org:manage',
  'user:manage',
  'session:manage',
  'catalog:read',
  'catalog:manage',
  'location:write',
  'asset:write',
  'project:write',
  'stock:write',
  'stock:use',
  'sla:manage',
  /** Preventive maintenance plans (issue 19, 4): admins and dispatchers, who plan the work they generate. */
  'maintenance:plan',
  'workorder:read',
  'workorder:create',
  'workorder:update',
  'workorder:assign',
  'workorder:transition',
  'workorder:approve',
  'workorder:field',
  /** Run the plan optimiser and accept its moves (issue 19): dispatchers and admins. */
  'plan:optimise',
  'attendance:read',
  'attendance:review',
  'audit:read',
  /** Recompute the audit hash chain: admins only (it reads every row of the org's history). */
  'audit:verify',
  'kpi:read',
  'report:export',
  /** Back up and restore the whole depot (database and attachments): admins only. */
  'backup:manage',
  'telemetry:read',
  'telemetry:ack',
  'telemetry:rules',
  'telemetry:manage',
  /** Join, pause, leave or re-snapshot the organization's hub, and dismiss its refusals: admins only. */
  'sync:manage',
  /** See the depot's background jobs and re-drive dead-lettered ones: admins only. */
  'jobs:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ALL = new Set<Permission>(PERMISSIONS);

/** DESIGN "Roles". Technicians' work-order rights are further narrowed to their own and their team's work. */
export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: ALL,
  dispatcher: new Set<Permission>([
    'catalog:read',
    'location:write',
    'asset:write',
    'project:write',
    'stock:write',
    'stock:use',
    'maintenance:plan',
    'workorder:read',
    'workorder:create',
    'workorder:update',
    'workorder:assign',
    'workorder:transition',
    'workorder:field',
    'plan:optimise',
    'attendance:read',
    'audit:read',
    'kpi:read',
    'report:export',
    'session:manage',
    'telemetry:read',
    'telemetry:ack',
  ]),
  supervisor: new Set<Permission>([
    'catalog:read',
    'location:write',
    'asset:write',
    'stock:use',
    'workorder:read',
    'workorder:create',
    'workorder:update',
    'workorder:assign',
    'workorder:transition',
    'workorder:approve',
    'workorder:field',
    'attendance:read',
    'attendance:review',
    'audit:read',
    'kpi:read',
    'report:export',
    'session:manage',
    'telemetry:read',
    'telemetry:ack',
    'telemetry:rules',
  ]),
  technician: new Set<Permission>(['catalog:read', 'stock:use', 'workorder:read', 'workorder:transition', 'workorder:field']),
  // Technicians get no telemetry: vehicle tracks would show them where their colleagues are.
  viewer: new Set<Permission>(['catalog:read', 'workorder:read', 'audit:read', 'kpi:read', 'report:export', 'telemetry:read']),
};

export function can(role: Role | 'system', permission: Permission): boolean {
  if (role === 'system') return true;
  return ROLE_PERMISSIONS[role].has(permission);
}
