import type { WorkOrderStatus } from '../../db/schema/index.js';
import type { Catalog, SeedTemplate } from './catalog.js';
import type { SeedLocation } from './catalog-places.js';
import type { SeedUser } from './catalog-people.js';
import { TEAMS } from './catalog-data.js';
import type { Prng } from './prng.js';
import { DAY, HOUR, MIN, type LocalTime } from './time.js';
import { CANCEL_REASONS, DESCRIPTIONS, HOLD_REASONS, SIGNERS, answerFor } from './story-words.js';

/**
 * Work-order stories: for each order, the sequence of things people did to it and when, as the
 * real service calls the driver will make. A story is written out in full and then cut at "now",
 * so whatever state an order is in was reached the way it would be in the product.
 */

type Priority = 'critical' | 'high' | 'medium' | 'low';

export type Action =
  | {
      kind: 'create';
      input: {
        title: string;
        description?: string;
        type: SeedTemplate['spec']['type'];
        priority: Priority;
        templateId: string;
        locationId: string;
        assetId?: string;
        teamId?: string;
        projectId?: string;
        phaseId?: string;
      };
    }
  | { kind: 'assign'; input: { assigneeId: string; teamId: string; plannedStart: string; plannedEnd: string } }
  | { kind: 'transition'; to: WorkOrderStatus; reason?: string; note?: string }
  | { kind: 'answer'; itemId: string; value: boolean | number | string }
  | { kind: 'closure'; decision: 'approved' | 'rejected'; comment?: string }
  | { kind: 'material'; itemId: string; depotId: string; quantity: number }
  /** The customer signs on the crew's phone before the work can be completed (templates that require it). */
  | { kind: 'sign'; signerName: string };

export interface Step {
  at: number;
  actorId: string;
  action: Action;
  plan: WoPlan;
}

export interface WoPlan {
  woId: string | null;
  steps: Step[];
  broken: boolean;
}

export interface PlanOptions {
  count: number;
  now: number;
  backDays: number;
  aheadDays: number;
}

interface Job {
  template: SeedTemplate;
  sites: SeedLocation[];
}

const ORDER_OF_PRIORITY: Priority[] = ['critical', 'high', 'medium', 'low'];
const PLANNED_TYPES = new Set(['preventive', 'inspection', 'installation']);
/** States the "live" orders are cut in, so the board has work in every column right now. */
const LIVE_TARGETS: [WorkOrderStatus, number][] = [
  ['DISPATCHED', 30],
  ['EN_ROUTE', 15],
  ['ON_SITE', 20],
  ['ON_HOLD', 15],
  ['COMPLETED', 10],
  ['SCHEDULED', 10],
];

/** A planned window: the job's duration with the slack a dispatcher leaves for travel and overruns, in quarter hours. */
export function windowMin(durationMin: number): number {
  return Math.ceil((durationMin * 1.25 + 15) / 15) * 15;
}

export class Planner {
  private readonly jobs: Job[];
  private readonly dispatchers: SeedUser[];
  /** Each technician's planned windows, by local day number: dispatchers do not double-book a crew. */
  private readonly booked = new Map<string, Map<number, [number, number][]>>();
  /** The job each story was written for (a live story re-crewed after its shift needs it). */
  private readonly jobOf = new WeakMap<WoPlan, Job>();

  /** Materials are booked only on recent jobs, so the seeded stock levels stay believable. */
  constructor(
    private readonly prng: Prng,
    private readonly catalog: Catalog,
    private readonly time: LocalTime,
    private readonly materialsFrom: number,
  ) {
    this.jobs = catalog.templates
      .map((template) => ({
        template,
        sites: catalog.locations.filter(
          (l) => template.spec.sites.includes(l.kind) && (!template.spec.asset || l.assets.some((a) => a.category === template.spec.asset)),
        ),
      }))
      .filter((j) => j.sites.length > 0);
    this.dispatchers = catalog.dispatchers;
  }

  /** `count` stories, ~1 % of them cut mid-flight right now, the rest spread over the window. */
  plan(opts: PlanOptions): WoPlan[] {
    const { prng } = this;
    const live = Math.min(Math.floor(opts.count / 4), Math.max(60, Math.round(opts.count * 0.01)));
    const plans: WoPlan[] = [];
    for (let i = 0; i < live; i++) plans.push(this.liveStory(prng.weighted(LIVE_TARGETS), opts.now));
    // The few real problems a dispatcher should find: faults nobody picked up, visits that were missed.
    const stuck = Math.max(3, Math.round(opts.count * 0.003));
    for (let i = 0; i < stuck; i++) plans.push(this.stuckStory(opts.now, i % 2 === 1));
    // Future work thins out: less of it is booked the further ahead one looks.
    const aheadWeight = opts.aheadDays * 0.6;
    for (let i = live + stuck; i < opts.count; i++) {
      const future = prng.chance(aheadWeight / (opts.backDays + aheadWeight));
      let plan = future ? this.futureStory(opts.now + prng.real(0.05, opts.aheadDays) * DAY, opts.now) : null;
      // A report made out of hours is picked up next working day, which may still be ahead of now: draw again.
      while (!plan || plan.steps.length === 0) plan = this.cut(this.pastStory(opts.now - prng.real(0, opts.backDays) * DAY, {}), opts.now);
      plans.push(plan);
    }
    return plans;
  }

  private cut(plan: WoPlan, now: number): WoPlan {
    plan.steps = plan.steps.filter((s) => s.at <= now);
    return plan;
  }

  /** `plannedOnly`: work booked ahead is planned work (preventive, inspection, installation), never a fault. */
  private pickJob(plannedOnly = false): { job: Job; site: SeedLocation; priority: Priority; urgent: boolean } {
    const { prng } = this;
    const pool = plannedOnly ? this.jobs.filter((j) => PLANNED_TYPES.has(j.template.spec.type)) : this.jobs;
    const job = prng.weighted((pool.length ? pool : this.jobs).map((j) => [j, j.template.spec.weight] as const));
    const site = prng.pick(job.sites);
    const base = job.template.spec.priority;
    const i = ORDER_OF_PRIORITY.indexOf(base);
    const planned = ['preventive', 'inspection', 'installation'].includes(job.template.spec.type);
    const priority =
      job.template.spec.type === 'emergency'
        ? prng.weighted([
            ['critical', 75],
            ['high', 25],
          ] as const)
        : prng.weighted([
            [base, 70],
            [ORDER_OF_PRIORITY[Math.max(0, i - 1)] as Priority, planned ? 0 : 15],
            [ORDER_OF_PRIORITY[Math.min(3, i + 1)] as Priority, 15],
          ] as const);
    return { job, site, priority, urgent: priority === 'critical' || job.template.spec.type === 'emergency' };
  }

  private createAction(job: Job, site: SeedLocation, priority: Priority, at: number): Action {
    const { prng, catalog } = this;
    const spec = job.template.spec;
    const asset = spec.asset ? site.assets.filter((a) => a.category === spec.asset) : [];
    const input: Extract<Action, { kind: 'create' }>['input'] = {
      title: `${prng.pick(spec.titles)} \u2013 ${site.name}`.slice(0, 200),
      type: spec.type,
      priority,
      templateId: job.template.id,
      locationId: site.id,
    };
    if (asset.length) input.assetId = prng.pick(asset).id;
    if (spec.type === 'corrective' || spec.type === 'emergency') input.description = prng.pick(DESCRIPTIONS);
    if (prng.chance(0.8)) input.teamId = catalog.teams[spec.team].id;
    const project = catalog.projects.find((p) => p.templateName === spec.name);
    const phase = project?.phases.find((ph) => ph.startsAt <= at && at < ph.endsAt);
    if (project && phase && prng.chance(0.6)) {
      input.projectId = project.id;
      input.phaseId = phase.id;
    }
    return { kind: 'create', input };
  }

  private qualifiedFor(job: Job): SeedUser[] {
    const team = this.catalog.teams[job.template.spec.team];
    const qualified = team.technicians.filter((t) =>
      job.template.spec.skills.every(([key, min]) => (this.catalog.levels.get(t.id)?.get(key) ?? 0) >= min),
    );
    return qualified.length ? qualified : team.technicians;
  }

  private isFree(techId: string, start: number, end: number): boolean {
    const days = this.booked.get(techId);
    if (!days) return true;
    for (let d = Math.floor(start / DAY); d <= Math.floor(end / DAY); d++) {
      for (const [s, e] of days.get(d) ?? []) if (s < end && start < e) return false;
    }
    return true;
  }

  private unbook(techId: string, start: number, end: number): void {
    const days = this.booked.get(techId);
    for (let d = Math.floor(start / DAY); d <= Math.floor(end / DAY); d++) {
      const list = days?.get(d);
      const i = list?.findIndex(([s, e]) => s === start && e === end) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
  }

  /**
   * A live story shifted to now keeps its crew if that crew is free then; else a free qualified
   * colleague takes it over (every step that crew took moves to them), as a dispatcher would.
   */
  private rebook(plan: WoPlan, input: Extract<Action, { kind: 'assign' }>['input'], shift: number, force: boolean): boolean {
    const start = Date.parse(input.plannedStart);
    const end = Date.parse(input.plannedEnd);
    this.unbook(input.assigneeId, start, end);
    const job = this.jobOf.get(plan);
    const [from, to] = [start + shift, end + shift];
    const keeps = this.isFree(input.assigneeId, from, to);
    const current = job ? this.qualifiedFor(job).find((t) => t.id === input.assigneeId) : undefined;
    // Moved to today, the job may fall outside its crew's shift: a colleague on shift takes it then.
    if (job && !(keeps && current && this.time.withinShift(current.shift, from, to))) {
      const free = this.prng.sample(this.qualifiedFor(job), 99).filter((t) => this.isFree(t.id, from, to));
      const other = free.find((t) => this.time.withinShift(t.shift, from, to)) ?? (keeps ? undefined : free[0]);
      if (!other && !keeps && !force) return false;
      if (other) {
        for (const step of plan.steps) if (step.actorId === input.assigneeId) step.actorId = other.id;
        input.assigneeId = other.id;
      }
    }
    this.book(input.assigneeId, start + shift, end + shift);
    return true;
  }

  private book(techId: string, start: number, end: number): void {
    let days = this.booked.get(techId);
    if (!days) this.booked.set(techId, (days = new Map()));
    for (let d = Math.floor(start / DAY); d <= Math.floor(end / DAY); d++) {
      const list = days.get(d);
      if (list) list.push([start, end]);
      else days.set(d, [[start, end]]);
    }
  }

  /**
   * A qualified technician free for the window, trying later slots as a dispatcher would (the same
   * day a few hours on, then following working days); an emergency takes whoever is qualified at once,
   * double-booked if it must be (that clash is real and the planning rules show it).
   */
  private assignFor(job: Job, start: number, urgent: boolean): { tech: SeedUser; start: number; end: number } {
    const candidates = this.qualifiedFor(job);
    const qualified = this.prng.sample(candidates, candidates.length);
    const length = windowMin(job.template.spec.durationMin) * MIN;
    const tries = urgent
      ? [start, start + 30 * MIN, start + HOUR]
      : [
          start,
          start + 2 * HOUR,
          start + 4 * HOUR,
          ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15].map((d) => this.time.slotAfter(start, d, this.prng)),
        ];
    for (const at of tries) {
      // An emergency is a call-out: whoever is qualified and free goes, on shift or not.
      const tech = qualified.find((t) => (urgent || this.time.withinShift(t.shift, at, at + length)) && this.isFree(t.id, at, at + length));
      if (tech) {
        this.book(tech.id, at, at + length);
        return { tech, start: at, end: at + length };
      }
    }
    const tech = qualified[0]!;
    this.book(tech.id, start, start + length);
    return { tech, start, end: start + length };
  }

  /** A whole story starting at `reportedAt`; `force` makes the rare branches happen (for live orders). */
  private pastStory(reportedAt: number, force: { hold?: boolean; noCancel?: boolean; late?: boolean }): WoPlan {
    const { prng, time } = this;
    const plan: WoPlan = { woId: null, steps: [], broken: false };
    const { job, site, priority, urgent } = this.pickJob();
    this.jobOf.set(plan, job);
    const spec = job.template.spec;
    let t = urgent ? reportedAt : time.snapToWorking(reportedAt, prng);
    const add = (at: number, actorId: string, action: Action) => {
      t = Math.max(at, t + 1000);
      plan.steps.push({ at: t, actorId, action, plan });
    };
    const dispatcher = prng.pick(this.dispatchers).id;
    const creator = prng.chance(0.9) ? dispatcher : prng.pick(this.catalog.supervisors).id;
    add(t, creator, this.createAction(job, site, priority, t));
    if (!force.noCancel && prng.chance(0.05)) {
      add(time.snapToWorking(t + prng.int(10, 24 * 60) * MIN, prng), dispatcher, {
        kind: 'transition',
        to: 'CANCELLED',
        reason: prng.pick(CANCEL_REASONS),
      });
      return plan;
    }
    const teamId = this.catalog.teams[spec.team].id;
    const late = force.late ?? prng.chance(0.06);
    let plannedStart: number;
    let assignAt = t;
    if (urgent) {
      assignAt = t + prng.int(2, 8) * MIN;
      plannedStart = assignAt + prng.int(5, 20) * MIN;
    } else {
      t = time.snapToWorking(t + prng.int(10, 120) * MIN, prng);
      const planned = spec.type === 'preventive' || spec.type === 'inspection' || spec.type === 'installation';
      if (!planned && priority === 'high') {
        plannedStart = time.snapToWorking(t + prng.int(45, 180) * MIN, prng);
      } else {
        // Working days ahead, within what the SLA allows (the late ones below are what breach).
        // Planned work is raised a few working days before it is due (as a maintenance plan generates it).
        const lead = planned
          ? priority === 'high'
            ? prng.int(0, 1)
            : priority === 'medium'
              ? prng.int(1, 2)
              : prng.int(1, 4)
          : priority === 'medium'
            ? prng.int(0, 1)
            : prng.int(1, 4);
        plannedStart = time.slotAfter(t, lead, prng);
        if (plannedStart < t + 30 * MIN) plannedStart = time.slotAfter(t, lead + 1, prng);
      }
      assignAt = t;
    }
    const booking = this.assignFor(job, plannedStart, urgent);
    const tech = booking.tech;
    plannedStart = booking.start;
    const plannedEnd = booking.end;
    add(assignAt, dispatcher, {
      kind: 'assign',
      input: {
        assigneeId: tech.id,
        teamId,
        plannedStart: new Date(plannedStart).toISOString(),
        plannedEnd: new Date(plannedEnd).toISOString(),
      },
    });
    add(t + MIN, dispatcher, { kind: 'transition', to: 'SCHEDULED' });
    if (!urgent && !force.noCancel && prng.chance(0.04)) {
      add(t + prng.int(1, 48) * HOUR, dispatcher, { kind: 'transition', to: 'CANCELLED', reason: prng.pick(CANCEL_REASONS) });
      return plan;
    }
    if (!urgent && prng.chance(0.02)) {
      add(t + prng.int(1, 20) * HOUR, dispatcher, {
        kind: 'transition',
        to: 'ON_HOLD',
        reason: 'Access not possible: site closed for an event',
      });
      add(time.snapToWorking(t + prng.int(1, 3) * DAY, prng), dispatcher, { kind: 'transition', to: 'SCHEDULED' });
    }
    // Lateness (no crew free, traffic, a long previous job) is what produces the SLA breaches.
    const delay = late ? (urgent ? prng.int(60, 300) * MIN : prng.int(2, 6) * DAY) : 0;
    add(urgent ? t + prng.int(1, 5) * MIN : plannedStart + delay - prng.int(15, 90) * MIN, dispatcher, {
      kind: 'transition',
      to: 'DISPATCHED',
    });
    if (prng.chance(0.02)) {
      add(t + prng.int(5, 30) * MIN, tech.id, { kind: 'transition', to: 'ON_HOLD', reason: 'Vehicle off the road' });
      add(t + prng.int(2, 24) * HOUR, tech.id, { kind: 'transition', to: 'DISPATCHED' });
    }
    // The crew leaves about a journey before the planned start, so it arrives near it.
    const journey = prng.int(10, 40) * MIN;
    add(
      urgent ? t + prng.int(2, 8) * MIN + (late ? delay : 0) : Math.max(t, plannedStart + delay - journey - prng.int(0, 10) * MIN),
      tech.id,
      {
        kind: 'transition',
        to: 'EN_ROUTE',
      },
    );
    add(t + journey + prng.int(-5, 10) * MIN, tech.id, { kind: 'transition', to: 'ON_SITE' });
    if (force.hold || prng.chance(0.06)) {
      add(t + prng.int(15, 60) * MIN, tech.id, { kind: 'transition', to: 'ON_HOLD', reason: prng.pick(HOLD_REASONS) });
      add(time.snapToWorking(t + prng.int(3, 96) * HOUR, prng), tech.id, { kind: 'transition', to: 'ON_SITE' });
    }
    // The job takes about its template's duration; checklist readings are taken during it, not after.
    const work = () => Math.max(10, Math.round(prng.around(spec.durationMin, spec.durationMin * 0.3))) * MIN;
    const workMs = work();
    const started = t;
    const answered = job.template.checklist.filter((item) => item.required || prng.chance(0.6));
    answered.forEach((item, i) =>
      add(started + Math.round(((i + 1) * workMs) / (answered.length + 2)), tech.id, {
        kind: 'answer',
        itemId: item.id,
        value: answerFor(prng, item),
      }),
    );
    if (t >= this.materialsFrom && prng.chance(0.3)) {
      const team = TEAMS.find((x) => x.key === spec.team);
      const sku = team ? prng.pick(team.parts) : undefined;
      const itemId = sku ? this.catalog.stock[sku] : undefined;
      if (team && itemId)
        add(t + prng.int(1, 5) * MIN, tech.id, {
          kind: 'material',
          itemId,
          depotId: this.catalog.depots[team.depot],
          quantity: prng.int(1, 2),
        });
    }
    if (job.template.spec.requiresSignature)
      add(started + workMs - prng.int(2, 5) * MIN, tech.id, { kind: 'sign', signerName: prng.pick(SIGNERS) });
    add(started + workMs, tech.id, { kind: 'transition', to: 'COMPLETED' });
    const supervisor = prng.pick(this.catalog.supervisors).id;
    if (prng.chance(0.025)) {
      add(time.snapToWorking(t + prng.int(30, 6 * 60) * MIN, prng), supervisor, {
        kind: 'closure',
        decision: 'rejected',
        comment: 'Checklist readings missing; please go back and complete them.',
      });
      add(time.snapToWorking(t + prng.int(1, 4) * HOUR, prng), tech.id, { kind: 'transition', to: 'EN_ROUTE' });
      add(t + prng.int(10, 45) * MIN, tech.id, { kind: 'transition', to: 'ON_SITE' });
      add(t + work() / 2, tech.id, { kind: 'transition', to: 'COMPLETED' });
    }
    add(time.snapToWorking(t + prng.int(30, 48 * 60) * MIN, prng), supervisor, { kind: 'closure', decision: 'approved' });
    return plan;
  }

  /**
   * A fault that fell through the cracks, past its resolution time now: reported a week or so ago and
   * never planned, or (`missed`) planned for a day that passed without anyone going.
   */
  private stuckStory(now: number, missed: boolean): WoPlan {
    const { prng, time } = this;
    const plan: WoPlan = { woId: null, steps: [], broken: false };
    let picked = this.pickJob();
    while (PLANNED_TYPES.has(picked.job.template.spec.type) || picked.urgent) picked = this.pickJob();
    const { job, site } = picked;
    const reported = time.snapToWorking(now - prng.real(8, 12) * DAY, prng);
    const dispatcher = prng.pick(this.dispatchers).id;
    plan.steps.push({ at: reported, actorId: dispatcher, action: this.createAction(job, site, 'high', reported), plan });
    if (missed) {
      const booking = this.assignFor(job, time.slotAfter(reported, 1, prng), false);
      const input = {
        assigneeId: booking.tech.id,
        teamId: this.catalog.teams[job.template.spec.team].id,
        plannedStart: new Date(booking.start).toISOString(),
        plannedEnd: new Date(booking.end).toISOString(),
      };
      plan.steps.push({ at: reported + HOUR, actorId: dispatcher, action: { kind: 'assign', input }, plan });
      plan.steps.push({ at: reported + HOUR + MIN, actorId: dispatcher, action: { kind: 'transition', to: 'SCHEDULED' }, plan });
    }
    return plan;
  }

  /** Booked ahead: reported in the last few days, planned for `plannedAt`; some still unplanned. */
  private futureStory(plannedAt: number, now: number): WoPlan {
    const { prng, time } = this;
    const plan: WoPlan = { woId: null, steps: [], broken: false };
    const picked = this.pickJob(true);
    const { job, site } = picked;
    // Booked more than a working week ahead, it is routine: low priority, whose targets are weeks.
    const priority: Priority = plannedAt - now > 7 * DAY && picked.priority !== 'low' ? 'low' : picked.priority;
    const reported = Math.min(time.snapToWorking(now - prng.real(0.01, 6) * DAY, prng), now - 20 * MIN);
    const dispatcher = prng.pick(this.dispatchers).id;
    plan.steps.push({ at: reported, actorId: dispatcher, action: this.createAction(job, site, priority, plannedAt), plan });
    const assignAt = reported + prng.int(5, 240) * MIN;
    if (prng.chance(0.6) && assignAt < now - MIN) {
      const booking = this.assignFor(job, Math.max(time.slotAfter(plannedAt, 0, prng), time.slotAfter(reported, 0, prng) + HOUR), false);
      const teamId = this.catalog.teams[job.template.spec.team].id;
      const input = {
        assigneeId: booking.tech.id,
        teamId,
        plannedStart: new Date(booking.start).toISOString(),
        plannedEnd: new Date(booking.end).toISOString(),
      };
      plan.steps.push({ at: assignAt, actorId: dispatcher, action: { kind: 'assign', input }, plan });
      plan.steps.push({ at: assignAt + MIN, actorId: dispatcher, action: { kind: 'transition', to: 'SCHEDULED' }, plan });
    }
    return plan;
  }

  /** A story moved in time so that "now" falls while the order is in `target`. */
  private liveStory(target: WorkOrderStatus, now: number): WoPlan {
    const { prng } = this;
    for (let attempt = 0; attempt < 20; attempt++) {
      // Some of today's work is running late: the few breaches a dispatcher sees on the board now.
      const plan = this.pastStory(now - 3 * DAY, { hold: target === 'ON_HOLD', noCancel: true, late: prng.chance(0.15) });
      const i = plan.steps.findIndex((s) => s.action.kind === 'transition' && s.action.to === target);
      const step = plan.steps[i];
      if (!step) {
        // Drawn again: this story's crew booking goes with it.
        for (const s of plan.steps)
          if (s.action.kind === 'assign')
            this.unbook(s.action.input.assigneeId, Date.parse(s.action.input.plannedStart), Date.parse(s.action.input.plannedEnd));
        continue;
      }
      const next = plan.steps[i + 1];
      const gap = Math.min(next ? next.at - step.at : HOUR, 6 * HOUR);
      const shift = now - prng.real(0.1, 0.9) * gap - step.at;
      // The plan moves with the story (a live order planned days before it was reported was the
      // demo's bug), with a crew free at the new time; when none is, the story is drawn again.
      const assign = plan.steps.find((s) => s.action.kind === 'assign')?.action;
      if (assign?.kind === 'assign') {
        if (!this.rebook(plan, assign.input, shift, attempt === 19)) continue;
        assign.input.plannedStart = new Date(Date.parse(assign.input.plannedStart) + shift).toISOString();
        assign.input.plannedEnd = new Date(Date.parse(assign.input.plannedEnd) + shift).toISOString();
      }
      for (const s of plan.steps) s.at += shift;
      return this.cut(plan, now);
    }
    throw new Error(`could not plan a live work order in ${target}`);
  }
}
