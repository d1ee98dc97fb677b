import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { milestones, projectPhases } from '../../db/schema/index.js';

/** The ids of a project's own phases and milestones, which go with it when it is deleted. */
export function partsOf(db: Db, orgId: string, projectId: string): { milestoneIds: string[]; phaseIds: string[] } {
  const scope = <T extends typeof milestones | typeof projectPhases>(t: T) => and(eq(t.orgId, orgId), eq(t.projectId, projectId));
  return {
    milestoneIds: db
      .select({ id: milestones.id })
      .from(milestones)
      .where(scope(milestones))
      .all()
      .map((m) => m.id),
    phaseIds: db
      .select({ id: projectPhases.id })
      .from(projectPhases)
      .where(scope(projectPhases))
      .all()
      .map((p) => p.id),
  };
}
