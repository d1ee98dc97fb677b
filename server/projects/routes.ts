import { milestones, projectPhases, projects } from '../../db/schema/index.js';
import type { Part } from '../core/tombstone.js';
import { AppError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import { assertSameOrg, defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import {
  Milestone,
  MilestoneCreate,
  MilestoneUpdate,
  Phase,
  PhaseCreate,
  PhaseUpdate,
  Project,
  ProjectCreate,
  ProjectStatusSchema,
  ProjectUpdate,
} from './contract.js';

const TIME_KEYS = ['startsAt', 'endsAt', 'dueAt', 'reachedAt'] as const;

/** The API speaks ISO-8601; the tables store epoch ms. */
function toRow(body: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const k of TIME_KEYS) {
    const v = out[k];
    if (typeof v === 'string') out[k] = Date.parse(v);
  }
  return out;
}

/** A PATCH may move one end of a span past the stored other end; the body check alone cannot see that. */
function checkSpan(values: Record<string, unknown>, before?: { startsAt: number | null; endsAt: number | null }) {
  const startsAt = values.startsAt !== undefined ? (values.startsAt as number | null) : (before?.startsAt ?? null);
  const endsAt = values.endsAt !== undefined ? (values.endsAt as number | null) : (before?.endsAt ?? null);
  if (startsAt !== null && endsAt !== null && startsAt > endsAt) {
    throw new AppError(400, 'validation_failed', 'startsAt must not be after endsAt.', [
      { field: 'body.endsAt', message: 'must not be before startsAt' },
    ]);
  }
}

/**
 * A project's own milestones and phases are tombstoned with it (milestones first: they may name a
 * phase) and restored with it; live work orders still block the delete (409 in_use).
 */
const projectParts: Part[] = [
  { table: milestones, owner: milestones.projectId, entity: 'milestone' },
  { table: projectPhases, owner: projectPhases.projectId, entity: 'phase' },
];

export const projectCrud = defineCrud({
  table: projects,
  entity: 'project',
  path: '/projects',
  tag: 'Projects',
  create: ProjectCreate,
  update: ProjectUpdate,
  dto: Project,
  toDto: (r) => ({
    ...trackedDto(r),
    code: r.code,
    name: r.name,
    description: r.description,
    status: r.status,
    startsAt: iso(r.startsAt),
    endsAt: iso(r.endsAt),
  }),
  read: 'catalog:read',
  write: 'project:write',
  sort: { keys: { code: projects.code, name: projects.name, startsAt: projects.startsAt, createdAt: projects.createdAt }, default: 'code' },
  filters: { status: { column: projects.status, schema: ProjectStatusSchema } },
  search: [projects.code, projects.name],
  toCreateRow: toRow,
  toUpdateRow: toRow,
  validate: (_w, values, before) => checkSpan(values, before),
  parts: projectParts,
});

const parent = { param: 'projectId', key: 'projectId', table: projects, entity: 'project' };

export const phaseCrud = defineCrud({
  table: projectPhases,
  entity: 'phase',
  path: '/projects/:projectId/phases',
  tag: 'Projects',
  create: PhaseCreate,
  update: PhaseUpdate,
  dto: Phase,
  toDto: (r) => ({
    ...trackedDto(r),
    projectId: r.projectId,
    name: r.name,
    position: r.position,
    status: r.status,
    startsAt: iso(r.startsAt),
    endsAt: iso(r.endsAt),
  }),
  read: 'catalog:read',
  write: 'project:write',
  sort: {
    keys: { position: projectPhases.position, startsAt: projectPhases.startsAt, createdAt: projectPhases.createdAt },
    default: 'position',
  },
  filters: { status: { column: projectPhases.status, schema: ProjectStatusSchema } },
  parent,
  toCreateRow: toRow,
  toUpdateRow: toRow,
  validate: (_w, values, before) => checkSpan(values, before),
});

export const milestoneCrud = defineCrud({
  table: milestones,
  entity: 'milestone',
  path: '/projects/:projectId/milestones',
  tag: 'Projects',
  create: MilestoneCreate,
  update: MilestoneUpdate,
  dto: Milestone,
  toDto: (r) => ({
    ...trackedDto(r),
    projectId: r.projectId,
    phaseId: r.phaseId,
    name: r.name,
    dueAt: iso(r.dueAt),
    reachedAt: iso(r.reachedAt),
  }),
  read: 'catalog:read',
  write: 'project:write',
  sort: { keys: { dueAt: milestones.dueAt, createdAt: milestones.createdAt }, default: 'dueAt' },
  parent,
  toCreateRow: toRow,
  toUpdateRow: toRow,
  validate: (w, values, before) => {
    const phaseId = values.phaseId;
    if (typeof phaseId !== 'string') return;
    // The phase must be one of this milestone's own project, not merely of this org.
    const phase = assertSameOrg(w, projectPhases, phaseId, 'phaseId', 'phase');
    const projectId = (values.projectId as string | undefined) ?? before?.projectId;
    if (phase.projectId !== projectId) {
      throw new AppError(400, 'unknown_reference', 'That phase belongs to another project.', [
        { field: 'body.phaseId', message: 'not a phase of this project' },
      ]);
    }
  },
});

export const projectRoutes: AnyRoute[] = [...projectCrud.routes(), ...phaseCrud.routes(), ...milestoneCrud.routes()];
