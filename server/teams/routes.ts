import { z } from 'zod';
import { depots, teams } from '../../db/schema/index.js';
import { Id, IdParams } from '../http/contract-common.js';
import { defineCrud, trackedDto } from '../http/crud.js';
import { defineRoute, Reply, type AnyRoute } from '../http/route.js';
import { Team, TeamCreate, TeamMember, TeamMemberAdd, TeamMemberParams, TeamUpdate } from './contract.js';
import { addMember, listMembers, removeMember, teamParts } from './service.js';

export const teamCrud = defineCrud({
  table: teams,
  entity: 'team',
  path: '/teams',
  tag: 'Teams',
  create: TeamCreate,
  update: TeamUpdate,
  dto: Team,
  toDto: (r) => ({ ...trackedDto(r), name: r.name, depotId: r.depotId, color: r.color }),
  read: 'catalog:read',
  write: 'catalog:manage',
  sort: { keys: { name: teams.name, createdAt: teams.createdAt }, default: 'name' },
  filters: { depotId: { column: teams.depotId, schema: Id } },
  search: [teams.name],
  refs: { depotId: { table: depots, entity: 'depot' } },
  parts: teamParts,
});

const Members = z.object({ items: z.array(TeamMember) });

export const teamRoutes: AnyRoute[] = [
  ...teamCrud.routes(),
  defineRoute({
    method: 'get',
    path: '/teams/:id/members',
    tag: 'Teams',
    access: 'catalog:read',
    summary: "A team's members (leads flagged)",
    params: IdParams,
    response: Members,
    handler: ({ ctx, params }) => {
      teamCrud.service.get(ctx, params);
      return { items: listMembers(ctx, params.id) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/teams/:id/members',
    tag: 'Teams',
    access: 'catalog:manage',
    summary: 'Add a user to a team (or change their lead flag); returns the members',
    params: IdParams,
    body: TeamMemberAdd,
    response: Members,
    status: 200,
    handler: ({ ctx, params, body }) => ({ items: addMember(ctx, params.id, body.userId, body.isLead) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/teams/:id/members/:userId',
    tag: 'Teams',
    access: 'catalog:manage',
    summary: 'Remove a user from a team',
    params: TeamMemberParams,
    response: null,
    handler: ({ ctx, params }) => {
      removeMember(ctx, params.id, params.userId);
      return new Reply(204, undefined);
    },
  }),
];
