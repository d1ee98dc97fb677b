import { organizations, depots, users, sessions, teams, teamMembers, skills, userSkills } from './org.js';
import { defineSyncPolicy, ROW_KEYS, TRACKED, DELETABLE } from './sync-policy.js';

export const organizationsPolicy = defineSyncPolicy(organizations, {
  merge: 'entity',
  // No natural key: a sync stream carries one org, so two replicas never create competing org rows.
  columns: { id: 'key', name: 'synced', slug: 'synced', timeZone: 'synced', ...TRACKED },
});

export const depotsPolicy = defineSyncPolicy(depots, {
  merge: 'entity',
  naturalKey: { columns: ['code'], rule: 'conflict' },
  columns: {
    ...ROW_KEYS,
    code: 'synced',
    name: 'synced',
    timeZone: 'synced',
    locale: 'synced',
    address: 'synced',
    lat: 'synced',
    lon: 'synced',
    ...TRACKED,
    ...DELETABLE,
  },
});

export const usersPolicy = defineSyncPolicy(users, {
  merge: 'entity',
  // Sign-in is by e-mail alone across the host, so an address can never name two accounts.
  naturalKey: { columns: ['email'], rule: 'unique' },
  columns: {
    ...ROW_KEYS,
    email: 'synced',
    name: 'synced',
    role: 'synced',
    phone: 'synced',
    homeDepotId: 'synced',
    // Never leaves: a '[redacted]' placeholder would overwrite the real hash at a replica (issue 13, 2).
    passwordHash: 'secret',
    active: 'synced',
    shift: 'synced',
    ...TRACKED,
  },
});

/** A sign-in on this depot's console or a paired phone; it must not open another depot. */
export const sessionsPolicy = defineSyncPolicy(sessions, {
  merge: 'local',
  columns: {
    id: 'local',
    orgId: 'local',
    userId: 'local',
    tokenHash: 'secret',
    kind: 'local',
    userAgent: 'local',
    ip: 'local',
    createdAt: 'local',
    lastSeenAt: 'local',
    expiresAt: 'local',
    revokedAt: 'local',
  },
});

export const teamsPolicy = defineSyncPolicy(teams, {
  merge: 'entity',
  naturalKey: { columns: ['name'], rule: 'conflict' },
  columns: { ...ROW_KEYS, depotId: 'synced', name: 'synced', color: 'synced', ...TRACKED, ...DELETABLE },
});

export const teamMembersPolicy = defineSyncPolicy(teamMembers, {
  merge: 'entity',
  // Deterministic id (design 3.7): two depots adding the same person to a team add one membership.
  naturalKey: { columns: ['team_id', 'user_id'], rule: 'same-row' },
  columns: { ...ROW_KEYS, teamId: 'synced', userId: 'synced', isLead: 'synced', ...TRACKED, ...DELETABLE },
});

export const skillsPolicy = defineSyncPolicy(skills, {
  merge: 'entity',
  naturalKey: { columns: ['name'], rule: 'same-row' },
  columns: { ...ROW_KEYS, name: 'synced', category: 'synced', ...TRACKED, ...DELETABLE },
});

export const userSkillsPolicy = defineSyncPolicy(userSkills, {
  merge: 'entity',
  // Deterministic id (design 3.7): one level per person and skill, last writer wins.
  naturalKey: { columns: ['user_id', 'skill_id'], rule: 'same-row' },
  columns: { ...ROW_KEYS, userId: 'synced', skillId: 'synced', level: 'synced', ...TRACKED, ...DELETABLE },
});
