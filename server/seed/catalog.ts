import {
  milestones,
  projectPhases,
  projects,
  slaCalendars,
  slaPolicies,
  taskTemplates,
  PRIORITIES,
  WORK_ORDER_TYPES,
  type Role,
} from '../../db/schema/index.js';
import type { Writer } from '../core/mutate.js';
import { mutate } from '../core/mutate.js';
import { systemCtx, type Host } from '../core/context.js';
import { newId } from '../core/ids.js';
import { hashPassword } from '../auth/passwords.js';
import { setHomeDepot } from '../depots/home.js';
import { ChecklistSchema, type ChecklistItem } from '../work-orders/contract-domain.js';
import { CalendarSchema, type Calendar } from '../sla/contract.js';
import { seedPeople, DEMO_PASSWORDS, type People } from './catalog-people.js';
import { seedFleetAndStock, seedPlaces, type SeedLocation } from './catalog-places.js';
import type { Prng } from './prng.js';
import { REGION, UK_BANK_HOLIDAYS } from './region.js';
import { TEMPLATES, type TemplateSpec } from './templates-data.js';

export interface SeedTemplate {
  id: string;
  spec: TemplateSpec;
  checklist: ChecklistItem[];
}

export interface SeedProject {
  id: string;
  code: string;
  phases: { id: string; startsAt: number; endsAt: number }[];
  /** Which template the project's work orders use. */
  templateName: string;
}

export interface Catalog extends People {
  orgId: string;
  locations: SeedLocation[];
  /** stock item SKU → id */
  stock: Record<string, string>;
  templates: SeedTemplate[];
  projects: SeedProject[];
  calendars: { business: Calendar; always: Calendar };
  logins: { role: Role; email: string; password: string }[];
}

const DAY = 86_400_000;
const MON_FRI = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

const BD = 10 * 60; // one business day of the "Business hours" calendar, in minutes

/**
 * Response / resolution minutes by priority. Business-hours targets count only working time, so a
 * "high" job reported on Friday evening is due on Monday, as in a real SLA contract. Planned work
 * (preventive, inspection, installation) is booked ahead, so its targets are in weeks, not hours.
 */
const REACTIVE: Record<(typeof PRIORITIES)[number], [number, number]> = {
  critical: [60, 4 * 60],
  high: [4 * 60, 2 * BD],
  medium: [2 * BD, 5 * BD],
  low: [5 * BD, 10 * BD],
};
const PLANNED: Record<(typeof PRIORITIES)[number], [number, number]> = {
  critical: [12 * 60, 24 * 60],
  high: [4 * BD, 5 * BD],
  medium: [8 * BD, 10 * BD],
  low: [16 * BD, 20 * BD],
};

function seedSla(w: Writer): Catalog['calendars'] {
  const workingHours = Object.fromEntries(MON_FRI.map((d) => [d, [['07:30', '17:30']]]));
  const business = CalendarSchema.parse({ timeZone: REGION.timeZone, workingHours, holidays: UK_BANK_HOLIDAYS });
  const allDay = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
  const always = CalendarSchema.parse({ timeZone: REGION.timeZone, workingHours: allDay, holidays: [] });
  const businessId = w.insert(slaCalendars, { name: 'Business hours', ...business }).id;
  const alwaysId = w.insert(slaCalendars, { name: '24/7', ...always }).id;
  for (const type of WORK_ORDER_TYPES) {
    for (const priority of PRIORITIES) {
      const roundTheClock = type === 'emergency' || priority === 'critical';
      const planned = type === 'preventive' || type === 'inspection' || type === 'installation';
      let [response, resolution] = (planned ? PLANNED : REACTIVE)[priority];
      // An emergency is answered within the hour and fixed within the shift, whatever its priority.
      if (type === 'emergency') [response, resolution] = [60, priority === 'critical' ? 6 * 60 : 8 * 60];
      w.insert(slaPolicies, {
        name: `${type[0]?.toUpperCase()}${type.slice(1)} \u2013 ${priority}`,
        type,
        priority,
        calendarId: roundTheClock ? alwaysId : businessId,
        responseMinutes: response,
        resolutionMinutes: resolution,
      });
    }
  }
  return { business, always };
}

function seedTemplates(w: Writer, people: People): SeedTemplate[] {
  return TEMPLATES.map((spec) => {
    const checklist = ChecklistSchema.parse(spec.checklist);
    const requiredSkills = spec.skills.map(([key, minLevel]) => ({ skillId: people.skills[key] as string, minLevel }));
    const row = w.insert(taskTemplates, {
      name: spec.name,
      description: spec.description,
      type: spec.type,
      priority: spec.priority,
      durationMin: spec.durationMin,
      requiredSkills,
      checklist,
      requiresSignature: spec.requiresSignature,
    });
    return { id: row.id, spec, checklist };
  });
}

function seedProjects(w: Writer, now: number): SeedProject[] {
  const specs = [
    {
      code: 'LED-BATH',
      name: 'LED street lighting retrofit \u2013 Bath',
      template: 'LED lantern installation',
      description: 'Replace 1,900 SON lanterns across Bath with LED units on the central management system.',
      start: -70,
      phases: [
        ['Survey and design', 21],
        ['Phase 1 \u2013 city centre', 42],
        ['Phase 2 \u2013 outer Bath', 56],
        ['Snagging and handover', 21],
      ] as const,
    },
    {
      code: 'AVM-PS-REFURB',
      name: 'Avonmouth pumping stations refurbishment',
      template: 'Pump fault investigation',
      description: 'Replace duty/assist pumps and controls at six Avonmouth and Shirehampton stations.',
      start: -30,
      phases: [
        ['Condition survey', 14],
        ['Mechanical works', 45],
        ['Electrical and controls', 30],
        ['Commissioning', 14],
      ] as const,
    },
  ];
  return specs.map((p) => {
    const startsAt = now + p.start * DAY;
    const total = p.phases.reduce((s, [, days]) => s + days, 0);
    const endsAt = startsAt + total * DAY;
    const id = w.insert(projects, { code: p.code, name: p.name, description: p.description, status: 'active', startsAt, endsAt }).id;
    let cursor = startsAt;
    const phases = p.phases.map(([name, days], position) => {
      const phaseEnd = cursor + days * DAY;
      const status = phaseEnd < now ? 'done' : cursor <= now ? 'active' : 'planned';
      const phase = w.insert(projectPhases, { projectId: id, name, position, startsAt: cursor, endsAt: phaseEnd, status });
      w.insert(milestones, {
        projectId: id,
        phaseId: phase.id,
        name: `${name} complete`,
        dueAt: phaseEnd,
        reachedAt: phaseEnd < now ? phaseEnd - DAY : null,
      });
      const out = { id: phase.id, startsAt: cursor, endsAt: phaseEnd };
      cursor = phaseEnd;
      return out;
    });
    return { id, code: p.code, phases, templateName: p.template };
  });
}

/**
 * The whole catalog, written through the one write path as a handful of big mutations (each row
 * still gets its audit and change-log entries, as if an admin had typed it in).
 */
export async function seedCatalog(host: Host, prng: Prng, now: number, techniciansPerTeam = 5): Promise<Catalog> {
  // scrypt costs ~60 ms a hash: one per role, technicians share theirs.
  const hashes = {} as Record<Role, string>;
  for (const [role, password] of Object.entries(DEMO_PASSWORDS) as [Role, string][]) hashes[role] = await hashPassword(password);
  const orgId = newId();
  const ctx = systemCtx(host, orgId, 'demo seed');
  const people = mutate(ctx, 'seed.catalog', (w) => {
    const seeded = seedPeople(w, prng, orgId, hashes, techniciansPerTeam);
    // The demo host is Avonmouth's: its work orders are numbered AVM-000001, AVM-000002, …
    setHomeDepot(host, seeded.depots.AVM);
    return seeded;
  });
  const locations = mutate(ctx, 'seed.catalog', (w) => seedPlaces(w, prng, people, now));
  const stock = mutate(ctx, 'seed.catalog', (w) => seedFleetAndStock(w, prng, people, locations, now));
  const rest = mutate(ctx, 'seed.catalog', (w) => ({
    calendars: seedSla(w),
    templates: seedTemplates(w, people),
    projects: seedProjects(w, now),
  }));
  host.commits.flush();

  const staff = [people.admin, ...people.dispatchers, ...people.supervisors, people.viewer];
  const logins = staff.map((u) => ({ role: u.role, email: u.email, password: DEMO_PASSWORDS[u.role] }));
  for (const team of Object.values(people.teams)) {
    const lead = team.technicians[0];
    if (lead) logins.push({ role: 'technician', email: lead.email, password: DEMO_PASSWORDS.technician });
  }
  return { ...people, orgId, locations, stock, ...rest, logins };
}
