import { depots, users } from '../../db/schema/index.js';
import { Id, IdParams } from '../http/contract-common.js';
import { QueryBool } from '../http/crud-contract.js';
import { defineCrud, etag, trackedDto } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { hashPassword } from '../auth/passwords.js';
import { RoleSchema } from '../auth/contract.js';
import { WorkingHoursSchema } from '../sla/contract.js';
import { PasswordReset, User, UserCreate, UserDetail, UserSkill, UserSkillParams, UserSkillPut, UserUpdate } from './contract.js';
import { assertKeepsAnAdmin, removeUserSkill, resetPassword, revokeAllSessions, setUserSkill, teamIdsOf, userSkillsOf } from './service.js';

export const userCrud = defineCrud({
  table: users,
  entity: 'user',
  path: '/users',
  tag: 'Users',
  create: UserCreate,
  update: UserUpdate,
  dto: User,
  // Explicit fields, so passwordHash can never reach a response.
  toDto: (r) => ({
    ...trackedDto(r),
    email: r.email,
    name: r.name,
    role: r.role,
    phone: r.phone,
    homeDepotId: r.homeDepotId,
    active: r.active,
    shift: r.shift === null ? null : WorkingHoursSchema.parse(r.shift),
    hasPassword: r.passwordHash !== null,
  }),
  read: 'catalog:read',
  write: 'user:manage',
  sort: { keys: { name: users.name, email: users.email, role: users.role, createdAt: users.createdAt }, default: 'name' },
  filters: {
    role: { column: users.role, schema: RoleSchema },
    active: { column: users.active, schema: QueryBool },
    homeDepotId: { column: users.homeDepotId, schema: Id },
  },
  search: [users.name, users.email],
  refs: { homeDepotId: { table: depots, entity: 'depot' } },
  // scrypt is async and must not run inside the synchronous transaction.
  prepare: async (body) => ('password' in body && body.password ? { passwordHash: await hashPassword(body.password) } : {}),
  toCreateRow: ({ password: _password, ...rest }, prepared) => ({ ...rest, passwordHash: prepared.passwordHash }),
  validate: (w, values, before) => {
    if (before) assertKeepsAnAdmin(w, before, values);
  },
  afterWrite: (w, after, before) => {
    if (before?.active && !after.active) revokeAllSessions(w, after.id);
  },
});

export const userRoutes: AnyRoute[] = [
  ...userCrud.routes('get', 'delete'),
  defineRoute({
    method: 'get',
    path: '/users/:id',
    tag: 'Users',
    access: 'catalog:read',
    summary: 'One user with their skills and teams; the ETag is the version for If-Match',
    params: IdParams,
    response: UserDetail,
    handler: ({ ctx, params }) => {
      const row = userCrud.service.get(ctx, params);
      return new Reply(
        200,
        { ...userCrud.toDto(row), skills: userSkillsOf(ctx, row.id), teamIds: teamIdsOf(ctx, row.id) },
        etag(row.version),
      );
    },
  }),
  defineRoute({
    method: 'put',
    path: '/users/:id/skills/:skillId',
    tag: 'Users',
    access: 'user:manage',
    summary: "Set a user's level (1–5) in a skill",
    params: UserSkillParams,
    body: UserSkillPut,
    response: UserSkill,
    handler: ({ ctx, params, body }) => setUserSkill(ctx, params.id, params.skillId, body.level),
  }),
  defineRoute({
    method: 'delete',
    path: '/users/:id/skills/:skillId',
    tag: 'Users',
    access: 'user:manage',
    summary: 'Remove a skill from a user',
    params: UserSkillParams,
    response: null,
    handler: ({ ctx, params }) => {
      removeUserSkill(ctx, params.id, params.skillId);
      return new Reply(204, undefined);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/password',
    tag: 'Users',
    access: 'user:manage',
    summary: "Admin reset of a user's password; signs them out everywhere",
    params: IdParams,
    body: PasswordReset,
    response: null,
    handler: async ({ ctx, params, body }) => {
      await resetPassword(ctx, params.id, body.password);
      return new Reply(204, undefined);
    },
  }),
];
