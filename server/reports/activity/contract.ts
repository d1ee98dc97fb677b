import { z } from 'zod';
import { Id, IsoTime } from '../../http/contract-common.js';

/** Activity per person per day (issue 18, item 6): who created, changed and completed work, when. */

export const ACTIVITY_MAX_DAYS = 92;

export const ActivityQuerySchema = z
  .object({
    from: IsoTime.meta({ description: 'Period start (inclusive)' }),
    to: IsoTime.meta({ description: 'Period end (exclusive)' }),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: '"to" must be after "from"', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= ACTIVITY_MAX_DAYS * 86_400_000, {
    message: `the period may span at most ${ACTIVITY_MAX_DAYS} days`,
    path: ['to'],
  });

const Counts = z.object({
  created: z.number().int().meta({ description: 'Work orders created' }),
  updated: z.number().int().meta({ description: 'Changes to work orders (edits, plans, status changes), completions included' }),
  completed: z.number().int().meta({ description: 'Work orders moved to COMPLETED' }),
});

export const ActivityReportSchema = z
  .object({
    zone: z.string().meta({ description: 'The time zone days are counted in (the organization’s)' }),
    from: IsoTime,
    to: IsoTime,
    days: z.array(z.string()).meta({ description: 'The local days of the period, YYYY-MM-DD, oldest first' }),
    people: z.array(
      Counts.extend({
        userId: Id.nullable().meta({ description: 'null: done by the system (rules, sensors, the scheduler)' }),
        name: z.string(),
        role: z.string().nullable(),
        perDay: z.array(Counts).meta({ description: 'One entry per item of `days`, in the same order' }),
      }),
    ),
    totals: Counts,
  })
  .meta({ id: 'ActivityReport' });
export type ActivityReportDto = z.infer<typeof ActivityReportSchema>;
export type ActivityQueryInput = z.infer<typeof ActivityQuerySchema>;
