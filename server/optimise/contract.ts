import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

/** The plan optimiser's API (issue 19 item 1): start a run, watch it, cancel it, accept its moves. */

/** A run covers at most two weeks: longer ranges are not a plan a dispatcher reviews move by move. */
export const MAX_RANGE_DAYS = 14;

export const OptimiseRequest = z
  .strictObject({
    from: IsoTime,
    to: IsoTime,
    teamId: Id.optional().meta({ description: 'Only this team’s crews and work; absent, the whole depot' }),
  })
  .superRefine((v, ctx) => {
    const span = Date.parse(v.to) - Date.parse(v.from);
    if (!(span > 0)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_RANGE_DAYS * 86_400_000)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_RANGE_DAYS} days after from` });
  });
export type OptimiseRequest = z.infer<typeof OptimiseRequest>;

const Slot = z.object({ assigneeId: Id.nullable(), start: IsoTime.nullable(), end: IsoTime.nullable() });

export const OptimiseMove = z.object({
  workOrderId: Id,
  number: z.string(),
  /** The row's version when the proposal was made: accept refuses the move if it changed since. */
  version: z.number().int(),
  from: Slot,
  to: Slot.extend({ assigneeId: Id, start: IsoTime, end: IsoTime }),
  reasons: z.array(z.string()),
});
export type OptimiseMove = z.infer<typeof OptimiseMove>;

const Figures = z.object({
  placed: z.number().int(),
  unplaced: z.number().int(),
  travelMin: z.number(),
  lateMin: z.number(),
  lateJobs: z.number().int(),
});

export const OptimiseProposal = z.object({
  moves: z.array(OptimiseMove),
  unplaced: z.array(z.object({ workOrderId: Id, number: z.string(), reason: z.string() })),
  before: Figures,
  after: Figures,
  /** Hard-rule violations of the proposal, checked independently of the solver (always 0 unless a bug). */
  hardViolations: z.number().int(),
  solveMs: z.number(),
  /** Crews with no shift on record, planned on the assumed weekday shift. */
  assumedShifts: z.array(z.string()),
});
export type OptimiseProposal = z.infer<typeof OptimiseProposal>;

export const OPTIMISE_STATES = ['running', 'done', 'cancelled', 'failed', 'accepted'] as const;

export const OptimiseJob = z.object({
  id: Id,
  state: z.enum(OPTIMISE_STATES),
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  from: IsoTime,
  to: IsoTime,
  teamId: Id.nullable(),
  createdAt: IsoTime,
  proposal: OptimiseProposal.nullable(),
});
export type OptimiseJob = z.infer<typeof OptimiseJob>;

export const AcceptRequest = z.strictObject({
  workOrderIds: z.array(Id).min(1).optional().meta({ description: 'The moves to apply; absent, all of them' }),
});
export type AcceptRequest = z.infer<typeof AcceptRequest>;

export const AcceptResult = z.object({ applied: z.array(Id) });
export type AcceptResult = z.infer<typeof AcceptResult>;

/** Best crew for one work order (issue 19 item 2): eligible crews ranked, with the reasons. */
export const CrewSuggestion = z.object({
  userId: Id,
  name: z.string(),
  /** The earliest slot the crew could start it without moving anything planned. */
  start: IsoTime,
  end: IsoTime,
  travelMin: z.number(),
  /** Minutes past the SLA resolution time at that slot (0: on time). */
  lateMin: z.number(),
  /** Lower is better: driving plus weighted lateness plus waiting, in minutes of driving. */
  score: z.number(),
  reasons: z.array(z.string()),
});
export const CrewSuggestions = z.object({
  workOrderId: Id,
  suggestions: z.array(CrewSuggestion),
  /** Crews left out: missing a skill at the level needed, or not in the work order's team. */
  ineligible: z.number().int(),
  /** Eligible crews with no slot in the next days (shifts full). */
  noSlot: z.number().int(),
});
export type CrewSuggestions = z.infer<typeof CrewSuggestions>;
