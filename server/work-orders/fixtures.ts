import {
  assets,
  depots,
  locations,
  organizations,
  projectPhases,
  projects,
  slaCalendars,
  slaPolicies,
  stockItems,
  taskTemplates,
  teamMembers,
  teams,
  users,
  type Role,
  type WorkOrderStatus,
} from '../../db/schema/index.js';
import { hashPassword } from '../auth/passwords.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { openLevel } from '../stock/movements.js';
import type { TestHost } from '../testing/harness.js';
import type { CreateWorkOrderInput } from './contract.js';
import { createWorkOrder, decideClosure, transitionWorkOrder } from './service.js';

/**
 * Test data for work-order tests, written straight through the write path so these tests do not
 * depend on the catalog routes (built in parallel). Not imported by production code.
 */

export const PASSWORD = 'work orders test pw';
let passwordHash: Promise<string> | undefined;

export const MON_FRI_9_TO_5 = {
  timeZone: 'UTC',
  workingHours: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
  holidays: [],
};

export type World = Awaited<ReturnType<typeof seedWorld>>;

/** One org with a user per role, two teams, places, a template with a checklist, stock and an SLA policy. */
export async function seedWorld(t: TestHost, name = 'Riverside') {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const orgId = newId();
  const slug = `${name.toLowerCase()}-${orgId.slice(-6)}`;
  const ctx = t.ctxFor(orgId);
  const ids = mutate(ctx, 'test.seed', (w) => {
    w.insert(organizations, { id: orgId, name, slug, timeZone: 'UTC' });
    const depot = w.insert(depots, { code: 'MAIN', name: `${name} depot`, timeZone: 'UTC' });
    const user = (role: Role, key: string) =>
      w.insert(users, { email: `${key}@${slug}.test`, name: `${key} of ${name}`, role, passwordHash: hash }).id;
    const people = {
      admin: user('admin', 'admin'),
      dispatcher: user('dispatcher', 'dispatcher'),
      supervisor: user('supervisor', 'supervisor'),
      tech1: user('technician', 'tech1'),
      tech2: user('technician', 'tech2'),
      viewer: user('viewer', 'viewer'),
    };
    const alpha = w.insert(teams, { name: 'Alpha', depotId: depot.id }).id;
    const bravo = w.insert(teams, { name: 'Bravo', depotId: depot.id }).id;
    w.insert(teamMembers, { teamId: alpha, userId: people.tech1 });
    w.insert(teamMembers, { teamId: bravo, userId: people.tech2 });
    const place = (code: string) => w.insert(locations, { code, name: `Site ${code}`, lat: 51.5, lon: -0.1, depotId: depot.id }).id;
    const loc1 = place('L1');
    const loc2 = place('L2');
    const asset = w.insert(assets, { tag: 'PUMP-1', name: 'Pump 1', category: 'pump', locationId: loc1 }).id;
    const project = w.insert(projects, { code: 'P1', name: 'Main renewal' }).id;
    const phase = w.insert(projectPhases, { projectId: project, name: 'Phase 1', position: 1 }).id;
    const otherProject = w.insert(projects, { code: 'P2', name: 'Other' }).id;
    const template = w.insert(taskTemplates, {
      name: 'Pump service',
      description: 'Quarterly pump service',
      type: 'preventive',
      priority: 'medium',
      durationMin: 90,
      requiredSkills: [],
      checklist: [
        { id: 'isolated', label: 'Power isolated', kind: 'yesno', required: true },
        { id: 'pressure', label: 'Outlet pressure', kind: 'number', required: true, min: 0, max: 10, unit: 'bar' },
        { id: 'remarks', label: 'Remarks', kind: 'text', required: false },
      ],
      requiresSignature: true,
    }).id;
    const calendar = w.insert(slaCalendars, { name: 'Office hours', ...MON_FRI_9_TO_5 }).id;
    // corrective/high: 2 business hours to respond, 8 (one working day) to resolve.
    w.insert(slaPolicies, {
      name: 'Corrective high',
      type: 'corrective',
      priority: 'high',
      calendarId: calendar,
      responseMinutes: 120,
      resolutionMinutes: 480,
    });
    w.insert(slaPolicies, {
      name: 'Emergency',
      type: 'emergency',
      priority: 'critical',
      calendarId: null,
      responseMinutes: 60,
      resolutionMinutes: 240,
    });
    const item = w.insert(stockItems, { sku: 'GASKET-50', name: 'Gasket 50 mm', kind: 'material', unit: 'pcs' }).id;
    openLevel(w, { depotId: depot.id, itemId: item, quantity: 10, reorderLevel: 2 });
    return { depot: depot.id, people, teams: { alpha, bravo }, loc1, loc2, asset, project, phase, otherProject, template, calendar, item };
  });

  const tokens = {} as Record<keyof typeof ids.people, string>;
  for (const key of Object.keys(ids.people) as (keyof typeof ids.people)[]) {
    const res = await t.api<{ token: string }>('POST', '/api/v1/auth/login', {
      body: { email: `${key}@${slug}.test`, password: PASSWORD },
    });
    if (res.status !== 200) throw new Error(`login of ${key} failed: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[key] = res.body.token;
  }
  return { orgId, ctx, ...ids, tokens };
}

/** Shortcut: create via the API as the dispatcher and return the body. */
export async function createVia(t: TestHost, world: World, body: Record<string, unknown>, token = world.tokens.dispatcher) {
  const res = await t.api('POST', '/api/v1/work-orders', {
    token,
    body: { title: 'Leaking valve', type: 'corrective', priority: 'high', ...body },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; number: string } & Record<string, unknown>;
}

/** POSTs a transition and returns the response. */
export function move(
  t: TestHost,
  token: string,
  id: string,
  to: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return t.api('POST', `/api/v1/work-orders/${id}/transitions`, { token, body: { to, ...extra }, headers });
}

const PATH: WorkOrderStatus[] = ['SCHEDULED', 'DISPATCHED', 'EN_ROUTE', 'ON_SITE', 'COMPLETED', 'CLOSED'];

/**
 * A work order of tech1 / team Alpha driven (as the system) to `status` through the real service
 * functions, planned and assigned so every step's preconditions hold.
 */
export function workOrderAt(world: World, status: WorkOrderStatus, input: Partial<CreateWorkOrderInput> = {}) {
  const wo = createWorkOrder(world.ctx, {
    title: `Work at ${status}`,
    type: 'corrective',
    priority: 'low',
    assigneeId: world.people.tech1,
    teamId: world.teams.alpha,
    plannedStart: '2026-11-17T09:00:00Z',
    ...input,
  });
  const steps =
    status === 'ON_HOLD' ? ['SCHEDULED', 'ON_HOLD'] : status === 'CANCELLED' ? ['CANCELLED'] : PATH.slice(0, PATH.indexOf(status) + 1);
  let current = wo;
  for (const to of steps as WorkOrderStatus[]) {
    current =
      to === 'CLOSED'
        ? decideClosure(world.ctx, wo.id, { decision: 'approved' })
        : transitionWorkOrder(world.ctx, wo.id, { to, ...(to === 'ON_HOLD' ? { reason: 'waiting for parts' } : {}) });
  }
  return current;
}
