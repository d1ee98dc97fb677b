import { z } from 'zod';
import { skills } from '../../db/schema/index.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import type { AnyRoute } from '../http/route.js';
import { Skill, SkillCreate, SkillUpdate } from './contract.js';

export const skillCrud = defineCrud({
  table: skills,
  entity: 'skill',
  path: '/skills',
  tag: 'Skills',
  create: SkillCreate,
  update: SkillUpdate,
  dto: Skill,
  toDto: (r) => ({ ...trackedDto(r), name: r.name, category: r.category }),
  read: 'catalog:read',
  write: 'catalog:manage',
  sort: { keys: { name: skills.name, category: skills.category, createdAt: skills.createdAt }, default: 'name' },
  filters: { category: { column: skills.category, schema: z.string().max(60) } },
  search: [skills.name, skills.category],
  // The name is unique over deleted skills too (user skills point at one row per skill on every replica).
  revive: ['name'],
});

export const skillRoutes: AnyRoute[] = skillCrud.routes();
