import type { Ctx } from '../core/context.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { CrewSuggestions } from './contract.js';
import { eligible, MIN, PRIORITY_WEIGHT, type FixedBlock, type Instance } from './instance.js';
import { loadInstance } from './repo.js';
import { Scheduler, WEIGHTS } from './schedule.js';

/**
 * Best crew for one work order (issue 19 item 2): every crew that may do it (skills at the level
 * needed, its team) is asked for the earliest slot in the next few days that leaves the existing plan
 * as it is, with the same scheduler the optimiser uses (shifts, travel from where the crew is, fixed
 * work). Ranked by driving, SLA lateness by priority, and waiting; each with its reasons in words.
 */

const HORIZON_DAYS = 3;
const SHOWN = 5;
/** Waiting counts, but less than driving: an hour's wait weighs as six minutes at the wheel. */
const WAIT_PER_MIN = 0.1;

export function suggestCrews(ctx: Ctx, workOrderId: string): CrewSuggestions {
  const now = ctx.host.clock.now();
  const from = Math.ceil(now / (5 * MIN)) * 5 * MIN;
  const loaded = loadInstance(ctx, { from, to: from + HORIZON_DAYS * 86_400_000 });
  const target = loaded.instance.jobs.find((j) => j.id === workOrderId);
  if (!target) {
    const row = ctx.host.sqlite.prepare('SELECT status FROM work_orders WHERE id = ? AND org_id = ?').get(workOrderId, ctx.orgId) as
      { status: string } | undefined;
    if (!row) throw new NotFoundError('work order', workOrderId);
    throw new ConflictError(
      'not_plannable',
      `This work order is ${row.status.toLowerCase()}; crews are suggested for new or scheduled work.`,
    );
  }
  // Everyone else's planned work stays where it is: as fixed blocks, the slot is found around it.
  const kept: FixedBlock[] = loaded.instance.jobs.flatMap((j) =>
    j.id !== target.id && j.current.crewId && j.current.start !== null
      ? [
          {
            workOrderId: j.id,
            crewId: j.current.crewId,
            start: j.current.start,
            end: j.current.end ?? j.current.start + j.durationMin * MIN,
            site: j.site,
          },
        ]
      : [],
  );
  const job = { ...target, current: { crewId: null, start: null, end: null } };
  const inst: Instance = { ...loaded.instance, jobs: [job], fixed: [...loaded.instance.fixed, ...kept] };
  const sched = new Scheduler(inst);
  let ineligible = 0;
  let noSlot = 0;
  const ranked: CrewSuggestions['suggestions'] = [];
  inst.crews.forEach((crew, c) => {
    if (!eligible(job, crew)) return void ineligible++;
    const d = sched.decode(c, [0]);
    if (!d.ok) return void noSlot++;
    const start = d.starts[0]!;
    const end = start + job.durationMin * MIN;
    const lateMin = job.dueAt !== null && end > job.dueAt ? Math.round((end - job.dueAt) / MIN) : 0;
    const waitMin = (start - from) / MIN;
    const score = d.travel * WEIGHTS.travelPerMin + lateMin * WEIGHTS.latePerMin * PRIORITY_WEIGHT[job.priority] + waitMin * WAIT_PER_MIN;
    const booked = inst.fixed.filter(
      (f) => f.crewId === crew.id && f.start < end + 12 * 3_600_000 && f.end > start - 12 * 3_600_000,
    ).length;
    const reasons = [
      job.skills.length ? 'Has every skill needed at the level needed' : 'No special skills needed',
      `Travel about ${Math.round(d.travel)} min from where the crew will be`,
      lateMin > 0
        ? `Ends ${spell(lateMin)} after its SLA due time`
        : job.dueAt !== null
          ? `Meets its SLA due time with ${spell((job.dueAt - end) / MIN)} to spare`
          : 'No SLA due time',
      booked ? `Free then around ${booked} other job${booked === 1 ? '' : 's'} planned that day` : 'Nothing else planned that day',
    ];
    ranked.push({
      userId: crew.id,
      name: crew.name,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      travelMin: Math.round(d.travel),
      lateMin,
      score: Math.round(score * 10) / 10,
      reasons,
    });
  });
  ranked.sort((a, b) => a.score - b.score || a.start.localeCompare(b.start) || a.name.localeCompare(b.name));
  return { workOrderId, suggestions: ranked.slice(0, SHOWN), ineligible, noSlot };
}

/** "40 min", "5 h", "6 days": a dispatcher reads the size, not the minute. */
function spell(min: number): string {
  if (min < 90) return `${Math.round(min)} min`;
  if (min < 48 * 60) return `${Math.round(min / 60)} h`;
  return `${Math.round(min / 1440)} days`;
}
