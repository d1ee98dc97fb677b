import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json, deletable, live } from './columns.js';

export const organizations = sqliteTable(
  'organizations',
  {
    id: id(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    timeZone: text('time_zone').notNull(),
    ...tracked(),
  },
  (t) => [uniqueIndex('organizations_slug_uq').on(t.slug)],
);

export const depots = sqliteTable(
  'depots',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /**
     * BCP 47 tag (e.g. "en-GB") every date, time and number of this depot is shown in, on screen and
     * in reports. Null means "the default for the depot's zone" (server/depots/locale.ts), so rows
     * from depots that predate the column, or replicas that do not know it, still mean something.
     */
    locale: text('locale'),
    address: text('address'),
    lat: real('lat'),
    lon: real('lon'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('depots_org_code_uq').on(t.orgId, t.code).where(live)],
);

export const ROLES = ['admin', 'dispatcher', 'supervisor', 'technician', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable(
  'users',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    phone: text('phone'),
    homeDepotId: text('home_depot_id').references(() => depots.id),
    passwordHash: text('password_hash'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    /** Weekly shift in the same shape as an SLA calendar's working hours; the planner checks against it. */
    shift: json('shift'),
    ...tracked(),
  },
  (t) => [
    // Sign-in is by e-mail alone, so an address belongs to one account across the whole host.
    uniqueIndex('users_email_uq').on(t.email),
    index('users_org_role_idx').on(t.orgId, t.role),
  ],
);

export const sessions = sqliteTable(
  'sessions',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** SHA-256 of the opaque token; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    kind: text('kind', { enum: ['console', 'crew', 'api'] })
      .notNull()
      .default('console'),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: integer('created_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('sessions_token_uq').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const teams = sqliteTable(
  'teams',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    depotId: text('depot_id').references(() => depots.id),
    name: text('name').notNull(),
    color: text('color'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('teams_org_name_uq').on(t.orgId, t.name).where(live)],
);

export const teamMembers = sqliteTable(
  'team_members',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    isLead: integer('is_lead', { mode: 'boolean' }).notNull().default(false),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('team_members_uq').on(t.teamId, t.userId), index('team_members_user_idx').on(t.userId)],
);

export const skills = sqliteTable(
  'skills',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    category: text('category'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('skills_org_name_uq').on(t.orgId, t.name)],
);

export const userSkills = sqliteTable(
  'user_skills',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    skillId: text('skill_id')
      .notNull()
      .references(() => skills.id),
    /** 1 (trainee) .. 5 (expert). */
    level: integer('level').notNull(),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('user_skills_uq').on(t.userId, t.skillId)],
);
