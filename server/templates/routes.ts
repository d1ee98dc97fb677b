import { z } from 'zod';
import { skills, taskTemplates } from '../../db/schema/index.js';
import { ChecklistSchema, PrioritySchema, RequiredSkillSchema, WorkOrderTypeSchema } from '../work-orders/contract-domain.js';
import { assertSameOrg, defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { TaskTemplate, TaskTemplateCreate, TaskTemplateUpdate } from './contract.js';

export const templateCrud = defineCrud({
  table: taskTemplates,
  entity: 'task template',
  path: '/task-templates',
  tag: 'Task templates',
  create: TaskTemplateCreate,
  update: TaskTemplateUpdate,
  dto: TaskTemplate,
  toDto: (r) => ({
    ...trackedDto(r),
    name: r.name,
    description: r.description,
    type: r.type,
    priority: r.priority,
    durationMin: r.durationMin,
    // Stored JSON is validated on the way out too (STYLE 8): a bad row fails loudly, not in the planner.
    requiredSkills: z.array(RequiredSkillSchema).parse(r.requiredSkills),
    checklist: ChecklistSchema.parse(r.checklist),
    requiresSignature: r.requiresSignature,
  }),
  read: 'catalog:read',
  write: 'catalog:manage',
  sort: { keys: { name: taskTemplates.name, type: taskTemplates.type, createdAt: taskTemplates.createdAt }, default: 'name' },
  filters: {
    type: { column: taskTemplates.type, schema: WorkOrderTypeSchema },
    priority: { column: taskTemplates.priority, schema: PrioritySchema },
  },
  search: [taskTemplates.name, taskTemplates.description],
  validate: (w, values) => {
    const required = values.requiredSkills as { skillId: string }[] | undefined;
    required?.forEach((r, i) => assertSameOrg(w, skills, r.skillId, `requiredSkills.${i}.skillId`, 'skill'));
  },
});

export const templateRoutes: AnyRoute[] = templateCrud.routes();
