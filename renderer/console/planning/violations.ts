import type { WorkOrderDto } from '../../shared/work-orders/queries';
import { toJob } from './model';
import { checkRules, type PlannedJob, type RuleContext, type Violation } from './rules';

/**
 * checkRules, crew by crew, keeping each crew's last result while its jobs are the same objects.
 *
 * Every rule looks at one crew at a time (double booking and shifts within a crew's jobs, skills and
 * SLA per job), so checking crews apart gives what one checkRules over all jobs gives. A drop or a
 * live change replaces one or two work orders in the query data and leaves the others as they were
 * (setQueryData, React Query's structural sharing), so only their crews are checked again: on a
 * 2,000-job month, checking all of them took 100–300 ms of the drop, mostly luxon turning shift hours
 * into instants.
 */
export class CrewRuleCache {
  private ctx: RuleContext | null = null;
  private crews = new Map<string, { jobs: WorkOrderDto[]; result: Map<string, Violation[]> }>();
  /** Crews checked by the last call (for tests). */
  checked = 0;

  check(workOrders: WorkOrderDto[], ctx: RuleContext): Map<string, Violation[]> {
    if (ctx !== this.ctx) {
      this.ctx = ctx;
      this.crews.clear();
    }
    const groups = new Map<string, WorkOrderDto[]>();
    for (const w of workOrders) {
      // Unassigned jobs are only checked against their SLA: one group of their own.
      const key = w.assigneeId ?? '';
      const list = groups.get(key);
      if (list) list.push(w);
      else groups.set(key, [w]);
    }
    const result = new Map<string, Violation[]>();
    const next = new Map<string, { jobs: WorkOrderDto[]; result: Map<string, Violation[]> }>();
    this.checked = 0;
    for (const [key, jobs] of groups) {
      let entry = this.crews.get(key);
      if (!entry || !sameItems(entry.jobs, jobs)) {
        this.checked++;
        entry = {
          jobs,
          result: checkRules(
            jobs.map(toJob).filter((j): j is PlannedJob => j !== null),
            ctx,
          ),
        };
      }
      next.set(key, entry);
      for (const [id, list] of entry.result) result.set(id, list);
    }
    this.crews = next;
    return result;
  }
}

function sameItems<T>(a: T[], b: T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
