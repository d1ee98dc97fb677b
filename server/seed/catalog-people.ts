import { depots, organizations, skills, teamMembers, teams, userSkills, users, type Role } from '../../db/schema/index.js';
import type { Writer } from '../core/mutate.js';
import { WorkingHoursSchema, type WorkingHours } from '../sla/contract.js';
import { SKILLS, TEAMS, type TeamKey } from './catalog-data.js';
import type { Prng } from './prng.js';
import { DEPOTS, FIRST_NAMES, LAST_NAMES, REGION } from './region.js';

export interface SeedUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** The weekly shift the planner keeps their work inside. */
  shift: WorkingHours | null;
}

export interface SeedTeam {
  key: TeamKey;
  id: string;
  depotId: string;
  leadId: string;
  technicians: SeedUser[];
}

export interface People {
  depots: Record<'AVM' | 'BTH', string>;
  admin: SeedUser;
  dispatchers: SeedUser[];
  supervisors: SeedUser[];
  viewer: SeedUser;
  teams: Record<TeamKey, SeedTeam>;
  /** skill key → id */
  skills: Record<string, string>;
  /** userId → skill key → level */
  levels: Map<string, Map<string, number>>;
}

/** Demo passwords by role, printed after seeding. Technicians share one, so they share one hash. */
export const DEMO_PASSWORDS: Record<Role, string> = {
  admin: 'demo-admin-2026',
  dispatcher: 'demo-dispatch-2026',
  supervisor: 'demo-supervisor-2026',
  technician: 'demo-tech-2026',
  viewer: 'demo-viewer-2026',
};

const MON_FRI = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

function weekly(days: readonly (keyof WorkingHours)[], from: string, to: string): WorkingHours {
  const hours: WorkingHours = {};
  for (const d of days) hours[d] = [[from, to]];
  // The planner reads users.shift with this schema, so a malformed seed shift would fail loudly there.
  return WorkingHoursSchema.parse(hours);
}

/** Shift patterns a depot really runs: early and late weekday shifts and a weekend rota. */
const SHIFTS: WorkingHours[] = [
  weekly(MON_FRI, '07:00', '15:30'),
  weekly(MON_FRI, '07:30', '16:00'),
  weekly(MON_FRI, '10:00', '18:30'),
  weekly(['tue', 'wed', 'thu', 'fri', 'sat'], '08:00', '16:30'),
  weekly(['mon', 'tue', 'wed', 'sat', 'sun'], '07:00', '15:30'),
];

/** The organization, its depots, staff, teams and skills, inserted through the given writer. */
export function seedPeople(w: Writer, prng: Prng, orgId: string, hashes: Record<Role, string>, techniciansPerTeam: number): People {
  w.insert(organizations, { id: orgId, name: REGION.orgName, slug: 'avon-vale-public-works', timeZone: REGION.timeZone });
  const depotIds = {} as Record<'AVM' | 'BTH', string>;
  for (const d of DEPOTS) {
    depotIds[d.code] = w.insert(depots, {
      code: d.code,
      name: d.name,
      timeZone: REGION.timeZone,
      address: d.address,
      lat: d.lat,
      lon: d.lon,
    }).id;
  }

  const usedNames = new Set<string>();
  const personName = () => {
    for (;;) {
      const name = `${prng.pick(FIRST_NAMES)} ${prng.pick(LAST_NAMES)}`;
      if (!usedNames.has(name)) {
        usedNames.add(name);
        return name;
      }
    }
  };
  const addUser = (role: Role, email: string, name: string, depot: 'AVM' | 'BTH', shift: WorkingHours | null): SeedUser => {
    const row = w.insert(users, {
      email,
      name,
      role,
      phone: `07${prng.int(700, 999)} ${prng.int(100000, 999999)}`,
      homeDepotId: depotIds[depot],
      passwordHash: hashes[role],
      active: true,
      shift,
    });
    return { id: row.id, name, email, role, shift };
  };
  const at = (local: string) => `${local}@${REGION.emailDomain}`;
  const office = weekly(MON_FRI, '08:00', '17:00');
  const admin = addUser('admin', at('admin'), personName(), 'AVM', office);
  const dispatchers = [
    addUser('dispatcher', at('dispatcher'), personName(), 'AVM', weekly(MON_FRI, '07:00', '15:30')),
    addUser('dispatcher', at('dispatcher2'), personName(), 'BTH', weekly(MON_FRI, '09:30', '18:00')),
  ];
  const supervisors = [
    addUser('supervisor', at('supervisor'), personName(), 'AVM', office),
    addUser('supervisor', at('supervisor2'), personName(), 'BTH', office),
  ];
  const viewer = addUser('viewer', at('viewer'), personName(), 'AVM', null);

  const skillIds: Record<string, string> = {};
  for (const s of SKILLS) skillIds[s.key] = w.insert(skills, { name: s.name, category: s.category }).id;

  const levels = new Map<string, Map<string, number>>();
  const teamRows = {} as Record<TeamKey, SeedTeam>;
  for (const [teamIndex, t] of TEAMS.entries()) {
    const depotId = depotIds[t.depot];
    const team = w.insert(teams, { name: t.name, color: t.color, depotId });
    const technicians: SeedUser[] = [];
    for (let i = 0; i < techniciansPerTeam; i++) {
      const name = personName();
      // One technician has a login anyone can type (the setup page and README name it); the rest their own.
      const local = teamIndex === 0 && i === 0 ? 'technician' : name.toLowerCase().replace(/[^a-z]+/g, '.');
      technicians.push(addUser('technician', at(local), name, t.depot, prng.pick(SHIFTS)));
    }
    for (const [i, tech] of technicians.entries()) {
      const isLead = i === 0;
      w.insert(teamMembers, { teamId: team.id, userId: tech.id, isLead });
      const mine = new Map<string, number>();
      for (const s of SKILLS) {
        const own = s.team === t.key;
        // Everyone has the team's trade (the lead at expert level); safety tickets are common, cross-skills rare.
        const level = own
          ? isLead
            ? prng.int(4, 5)
            : prng.int(2, 5)
          : s.team === null
            ? prng.chance(0.7)
              ? prng.int(1, 3)
              : 0
            : prng.chance(0.1)
              ? prng.int(1, 2)
              : 0;
        if (level === 0) continue;
        mine.set(s.key, level);
        w.insert(userSkills, { userId: tech.id, skillId: skillIds[s.key] as string, level });
      }
      levels.set(tech.id, mine);
    }
    // Each supervisor oversees two teams; membership lets them see those teams' KPIs.
    const supervisor = supervisors[teamIndex < 2 ? 0 : 1] as SeedUser;
    w.insert(teamMembers, { teamId: team.id, userId: supervisor.id, isLead: false });
    teamRows[t.key] = { key: t.key, id: team.id, depotId, leadId: (technicians[0] as SeedUser).id, technicians };
  }
  return { depots: depotIds, admin, dispatchers, supervisors, viewer, teams: teamRows, skills: skillIds, levels };
}
