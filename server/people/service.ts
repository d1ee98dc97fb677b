import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { sessions, skills, teamMembers, userSkills, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import type { Writer } from '../core/mutate.js';
import { tombstone } from '../core/tombstone.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { hashPassword } from '../auth/passwords.js';
import { mutateEntity } from '../http/crud.js';

type UserRow = typeof users.$inferSelect;

/** Signs a user out everywhere, inside the caller's transaction (deactivation, password reset). */
export function revokeAllSessions(w: Writer, userId: string): number {
  const open = w.ctx.host.db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.orgId, w.ctx.orgId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .all();
  for (const s of open) w.update(sessions, s.id, { revokedAt: w.now });
  return open.length;
}

/** An org must keep one active admin, or nobody could manage users again. */
export function assertKeepsAnAdmin(w: Writer, before: UserRow, change: { role?: unknown; active?: unknown }): void {
  const losesAdmin = (change.role !== undefined && change.role !== 'admin') || change.active === false;
  if (before.role !== 'admin' || !before.active || !losesAdmin) return;
  const other = w.ctx.host.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.orgId, w.ctx.orgId), eq(users.role, 'admin'), eq(users.active, true), ne(users.id, before.id)))
    .get();
  if (!other) throw new ConflictError('last_admin', 'This is the last active admin of the organization; make someone else admin first.');
}

export function userSkillsOf(ctx: Ctx, userId: string) {
  return ctx.host.db
    .select({ skillId: userSkills.skillId, name: skills.name, category: skills.category, level: userSkills.level })
    .from(userSkills)
    .innerJoin(skills, eq(skills.id, userSkills.skillId))
    .where(and(eq(userSkills.orgId, ctx.orgId), eq(userSkills.userId, userId), isNull(userSkills.deletedAt), isNull(skills.deletedAt)))
    .orderBy(asc(skills.name))
    .all();
}

export function teamIdsOf(ctx: Ctx, userId: string): string[] {
  return (
    ctx.host.db
      .select({ teamId: teamMembers.teamId })
      .from(teamMembers)
      // Deleting a team tombstones its memberships too, so live memberships name live teams.
      .where(and(eq(teamMembers.orgId, ctx.orgId), eq(teamMembers.userId, userId), isNull(teamMembers.deletedAt)))
      .all()
      .map((r) => r.teamId)
  );
}

/**
 * Sets (or changes) a user's level in a skill. (user, skill) is unique over all rows, so a removed
 * skill is brought back rather than inserted again: one row per fact, the same on every replica.
 */
export function setUserSkill(ctx: Ctx, userId: string, skillId: string, level: number) {
  return mutateEntity(ctx, 'user skill', 'user.skill_set', (w) => {
    w.get(users, userId, 'user');
    const skill = w.get(skills, skillId, 'skill');
    if (skill.deletedAt !== null) throw new NotFoundError('skill', skillId);
    const existing = w.ctx.host.db
      .select()
      .from(userSkills)
      .where(and(eq(userSkills.orgId, ctx.orgId), eq(userSkills.userId, userId), eq(userSkills.skillId, skillId)))
      .get();
    let row = existing;
    if (!row) row = w.insert(userSkills, { userId, skillId, level });
    else if (row.deletedAt !== null) row = w.update(userSkills, row.id, { level, deletedAt: null, deletedBy: null }, { before: row }).after;
    else if (row.level !== level) row = w.update(userSkills, row.id, { level }, { before: row }).after;
    return { skillId, name: skill.name, category: skill.category, level: row.level };
  });
}

export function removeUserSkill(ctx: Ctx, userId: string, skillId: string): void {
  mutateEntity(ctx, 'user skill', 'user.skill_removed', (w) => {
    w.get(users, userId, 'user');
    const existing = w.ctx.host.db
      .select({ id: userSkills.id })
      .from(userSkills)
      .where(
        and(eq(userSkills.orgId, ctx.orgId), eq(userSkills.userId, userId), eq(userSkills.skillId, skillId), isNull(userSkills.deletedAt)),
      )
      .get();
    if (!existing) throw new NotFoundError('skill of this user', skillId);
    tombstone(w, userSkills, existing.id, { entity: 'user skill' });
  });
}

/** Admin reset: sets a new password and signs the user out everywhere, so the old one cannot linger. */
export async function resetPassword(ctx: Ctx, userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password); // async, so before the synchronous transaction
  mutateEntity(ctx, 'user', 'user.password_reset', (w) => {
    w.update(users, userId, { passwordHash }, { before: w.get(users, userId, 'user') });
    revokeAllSessions(w, userId);
  });
}
