import { and, asc, eq, isNull } from 'drizzle-orm';
import { teamMembers, teams, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import type { Writer } from '../core/mutate.js';
import { tombstone, type Part } from '../core/tombstone.js';
import { NotFoundError } from '../errors.js';
import { mutateEntity } from '../http/crud.js';

export function listMembers(ctx: Ctx, teamId: string) {
  return ctx.host.db
    .select({ userId: users.id, name: users.name, email: users.email, role: users.role, isLead: teamMembers.isLead })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.orgId, ctx.orgId), eq(teamMembers.teamId, teamId), isNull(teamMembers.deletedAt)))
    .orderBy(asc(users.name))
    .all();
}

function membership(w: Writer, teamId: string, userId: string) {
  return w.ctx.host.db
    .select()
    .from(teamMembers)
    .where(and(eq(teamMembers.orgId, w.ctx.orgId), eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .get();
}

function liveTeam(w: Writer, teamId: string) {
  const team = w.find(teams, teamId);
  if (!team || team.deletedAt !== null) throw new NotFoundError('team', teamId);
  return team;
}

/**
 * Adds a user to a team, or changes their lead flag if they are already in it (so a retry is
 * harmless). (team, user) is unique over all rows, so a removed membership is brought back rather
 * than inserted again: one row per fact, the same on every replica.
 */
export function addMember(ctx: Ctx, teamId: string, userId: string, isLead: boolean) {
  mutateEntity(ctx, 'team member', 'team.member_added', (w) => {
    liveTeam(w, teamId);
    const user = w.get(users, userId, 'user');
    if (!user.active) throw new NotFoundError('active user', userId);
    const existing = membership(w, teamId, userId);
    if (!existing) w.insert(teamMembers, { teamId, userId, isLead });
    else if (existing.deletedAt !== null)
      w.update(teamMembers, existing.id, { isLead, deletedAt: null, deletedBy: null }, { before: existing });
    else if (existing.isLead !== isLead) w.update(teamMembers, existing.id, { isLead }, { before: existing });
  });
  return listMembers(ctx, teamId);
}

export function removeMember(ctx: Ctx, teamId: string, userId: string): void {
  mutateEntity(ctx, 'team member', 'team.member_removed', (w) => {
    liveTeam(w, teamId);
    const existing = membership(w, teamId, userId);
    if (!existing || existing.deletedAt !== null) throw new NotFoundError('member of this team', userId);
    tombstone(w, teamMembers, existing.id, { entity: 'team member' });
  });
}

/** A team's memberships belong to it: deleting the team tombstones them too, and restoring it brings them back. */
export const teamParts: Part[] = [{ table: teamMembers, owner: teamMembers.teamId, entity: 'team member' }];
