import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { id, orgId, tracked, json, deletable, live } from './columns.js';
import { organizations } from './org.js';

export const PROJECT_STATUSES = ['planned', 'active', 'on_hold', 'done', 'cancelled'] as const;

export const projects = sqliteTable(
  'projects',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    status: text('status', { enum: PROJECT_STATUSES }).notNull().default('planned'),
    startsAt: integer('starts_at'),
    endsAt: integer('ends_at'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('projects_org_code_uq').on(t.orgId, t.code).where(live)],
);

export const projectPhases = sqliteTable(
  'project_phases',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    startsAt: integer('starts_at'),
    endsAt: integer('ends_at'),
    status: text('status', { enum: PROJECT_STATUSES }).notNull().default('planned'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [index('project_phases_project_idx').on(t.projectId)],
);

export const milestones = sqliteTable(
  'milestones',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id),
    phaseId: text('phase_id').references(() => projectPhases.id),
    name: text('name').notNull(),
    dueAt: integer('due_at').notNull(),
    reachedAt: integer('reached_at'),
    ...tracked(),
    ...deletable(),
  },
  (t) => [index('milestones_project_idx').on(t.projectId)],
);

export const WORK_ORDER_TYPES = ['corrective', 'preventive', 'inspection', 'installation', 'emergency'] as const;
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;

export const taskTemplates = sqliteTable(
  'task_templates',
  {
    id: id(),
    orgId: orgId().references(() => organizations.id),
    name: text('name').notNull(),
    description: text('description'),
    type: text('type', { enum: WORK_ORDER_TYPES }).notNull(),
    priority: text('priority', { enum: PRIORITIES }).notNull(),
    durationMin: integer('duration_min').notNull(),
    /** [{ skillId, minLevel }] */
    requiredSkills: json('required_skills').notNull(),
    /** [{ id, label, kind: 'yesno'|'number'|'text', required, min?, max?, unit? }] */
    checklist: json('checklist').notNull(),
    requiresSignature: integer('requires_signature', { mode: 'boolean' }).notNull().default(false),
    ...tracked(),
    ...deletable(),
  },
  (t) => [uniqueIndex('task_templates_org_name_uq').on(t.orgId, t.name).where(live)],
);
