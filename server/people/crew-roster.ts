import { and, eq, isNull } from 'drizzle-orm';
import { teamMembers, userSkills } from '../../db/schema/index.js';
import { CrewRoster } from './contract-roster.js';
import { defineRoute, type AnyRoute } from '../http/route.js';

/**
 * GET /crew-roster: GET /users/:id has the same data for one user; the planner needs all of them
 * and would otherwise make one request per technician.
 */
export const crewRosterRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/crew-roster',
    tag: 'Users',
    access: 'catalog:read',
    summary: "Every user's skill levels and team memberships (for planning)",
    response: CrewRoster,
    handler: ({ ctx }) => ({
      skills: ctx.host.db
        .select({ userId: userSkills.userId, skillId: userSkills.skillId, level: userSkills.level })
        .from(userSkills)
        .where(and(eq(userSkills.orgId, ctx.orgId), isNull(userSkills.deletedAt)))
        .all(),
      memberships: ctx.host.db
        .select({ userId: teamMembers.userId, teamId: teamMembers.teamId, isLead: teamMembers.isLead })
        .from(teamMembers)
        .where(and(eq(teamMembers.orgId, ctx.orgId), isNull(teamMembers.deletedAt)))
        .all(),
    }),
  }),
];
