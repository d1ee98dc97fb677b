import { z } from 'zod';
import { Id, IsoTime, Name } from '../http/contract-common.js';
import { Code, OptionalText, patchSchema, TrackedDto } from '../http/crud-contract.js';

export const ProjectStatusSchema = z.enum(['planned', 'active', 'on_hold', 'done', 'cancelled']);

const span = { startsAt: IsoTime.nullable().optional(), endsAt: IsoTime.nullable().optional() };
/** Checked on the body; a PATCH changing one end is checked against the stored other end in the service. */
const ordered = (v: { startsAt?: string | null; endsAt?: string | null }) =>
  !v.startsAt || !v.endsAt || Date.parse(v.startsAt) <= Date.parse(v.endsAt);
const orderMsg = { message: 'startsAt must not be after endsAt', path: ['endsAt'] };

const projectFields = { code: Code, name: Name, description: OptionalText(5000), status: ProjectStatusSchema.default('planned'), ...span };
export const ProjectCreate = z.strictObject(projectFields).refine(ordered, orderMsg).meta({ id: 'ProjectCreate' });
export const ProjectUpdate = patchSchema(projectFields).refine(ordered, orderMsg).meta({ id: 'ProjectUpdate' });
export const Project = z
  .object({
    ...TrackedDto,
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: ProjectStatusSchema,
    startsAt: IsoTime.nullable(),
    endsAt: IsoTime.nullable(),
  })
  .meta({ id: 'Project' });

const phaseFields = { name: Name, position: z.number().int().min(0).max(10_000), status: ProjectStatusSchema.default('planned'), ...span };
export const PhaseCreate = z.strictObject(phaseFields).refine(ordered, orderMsg).meta({ id: 'PhaseCreate' });
export const PhaseUpdate = patchSchema(phaseFields).refine(ordered, orderMsg).meta({ id: 'PhaseUpdate' });
export const Phase = z
  .object({
    ...TrackedDto,
    projectId: Id,
    name: z.string(),
    position: z.number().int(),
    status: ProjectStatusSchema,
    startsAt: IsoTime.nullable(),
    endsAt: IsoTime.nullable(),
  })
  .meta({ id: 'ProjectPhase' });

const milestoneFields = { name: Name, phaseId: Id.nullable().optional(), dueAt: IsoTime, reachedAt: IsoTime.nullable().optional() };
export const MilestoneCreate = z.strictObject(milestoneFields).meta({ id: 'MilestoneCreate' });
export const MilestoneUpdate = patchSchema(milestoneFields).meta({ id: 'MilestoneUpdate' });
export const Milestone = z
  .object({ ...TrackedDto, projectId: Id, phaseId: Id.nullable(), name: z.string(), dueAt: IsoTime, reachedAt: IsoTime.nullable() })
  .meta({ id: 'Milestone' });
