import { and, asc, eq } from 'drizzle-orm';
import { teamMembers, teams, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import type { Writer } from '../core/mutate.js';
import { NotFoundError } from '../errors.js';
import { mutateEntity } from '../http/crud.js';

export function listMembers(ctx: Ctx, teamId: string) {
  return ctx.host.db
    .select({ userId: users.id, name: users.name, email: users.email, role: users.role, isLead: teamMembers.isLead })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.orgId, ctx.orgId), eq(teamMembers.teamId, teamId)))
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

/** Adds a user to a team, or changes their lead flag if they are already in it (so a retry is harmless). */
export function addMember(ctx: Ctx, teamId: string, userId: string, isLead: boolean) {
  mutateEntity(ctx, 'team member', 'team.member_added', (w) => {
    w.get(teams, teamId, 'team');
    const user = w.get(users, userId, 'user');
    if (!user.active) throw new NotFoundError('active user', userId);
    const existing = membership(w, teamId, userId);
    if (!existing) w.insert(teamMembers, { teamId, userId, isLead });
    else if (existing.isLead !== isLead) w.update(teamMembers, existing.id, { isLead }, { before: existing });
  });
  return listMembers(ctx, teamId);
}

export function removeMember(ctx: Ctx, teamId: string, userId: string): void {
  mutateEntity(ctx, 'team member', 'team.member_removed', (w) => {
    w.get(teams, teamId, 'team');
    const existing = membership(w, teamId, userId);
    if (!existing) throw new NotFoundError('member of this team', userId);
    w.remove(teamMembers, existing.id);
  });
}

/** A team's memberships belong to it: deleting the team removes them (each is audited). */
export function removeAllMembers(w: Writer, teamId: string): void {
  const rows = w.ctx.host.db
    .select({ id: teamMembers.id })
    .from(teamMembers)
    .where(and(eq(teamMembers.orgId, w.ctx.orgId), eq(teamMembers.teamId, teamId)))
    .all();
  for (const r of rows) w.remove(teamMembers, r.id);
}
