import { z } from 'zod';
import { Id } from '../http/contract-common.js';

/** Every user's skill levels and team seats at once, for the planning board's rule checks and crew lanes. */
export const CrewRoster = z
  .object({
    skills: z.array(z.object({ userId: Id, skillId: Id, level: z.number().int() })),
    memberships: z.array(z.object({ userId: Id, teamId: Id, isLead: z.boolean() })),
  })
  .meta({ id: 'CrewRoster' });
