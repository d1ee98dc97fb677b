import Database from 'better-sqlite3';
import { canonicalState, divergences, type TableState } from './canonical.js';
import type { FuzzDepot, FuzzOrg } from './org.js';
import { scheduleFor, type Step } from './schedule.js';

/**
 * Runs one schedule on the org, heals the network, lets every depot sync until clean, then checks
 * what convergence means here: every replica's replicated state is the same (a canonical hash per
 * table), every write a depot acknowledged is on every depot and the hub, no two work orders share a
 * number, every depot's audit chain verifies, and the hub's own invariants hold.
 */

export interface ScheduleResult {
  seed: number;
  steps: number;
  acknowledged: { creates: number; edits: number; transitions: number; notes: number };
  refused: number;
  kills: number;
  /** Empty when the org converged. */
  problems: string[];
  ms: number;
}

const PLANNED = () => new Date(Date.now() + 86_400_000).toISOString();

export async function runSchedule(org: FuzzOrg, seed: number, steps: number, known: string[]): Promise<ScheduleResult> {
  const started = performance.now();
  const result: ScheduleResult = {
    seed,
    steps,
    acknowledged: { creates: 0, edits: 0, transitions: 0, notes: 0 },
    refused: 0,
    kills: 0,
    problems: [],
    ms: 0,
  };
  const createdHere: string[] = [];
  for (const step of scheduleFor(seed, steps)) await apply(org, step, known, createdHere, result);
  await converge(org);
  result.problems = await check(org, createdHere);
  result.ms = performance.now() - started;
  return result;
}

function pickId(known: readonly string[], pick: number): string | null {
  return known.length ? known[Math.floor(pick * known.length)]! : null;
}

async function apply(org: FuzzOrg, step: Step, known: string[], created: string[], result: ScheduleResult): Promise<void> {
  if (step.kind === 'kill-hub') {
    await new Promise((r) => setTimeout(r, step.afterMs));
    await org.hub.restart();
    for (const d of org.depots) d.proxy.target = org.hub.url;
    result.kills++;
    return;
  }
  const d = org.depots[step.depot]!;
  // Anything a depot answers while it is killed is no acknowledgement; the API call just fails.
  const ok = async (p: Promise<{ status: number }>, wanted: number) => {
    try {
      const res = await p;
      if (res.status === wanted) return true;
      result.refused++;
      return false;
    } catch {
      result.refused++;
      return false;
    }
  };
  switch (step.kind) {
    case 'create': {
      const body = { title: step.title, type: 'corrective', priority: 'medium', ...(step.planned ? { plannedStart: PLANNED() } : {}) };
      const res = await d.proc.api<{ id: string }>('POST', '/api/v1/work-orders', body).catch(() => null);
      if (res?.status === 201) {
        known.push(res.body.id);
        created.push(res.body.id);
        result.acknowledged.creates++;
      } else result.refused++;
      return;
    }
    case 'edit': {
      const id = pickId(known, step.pick);
      if (id && (await ok(d.proc.api('PATCH', `/api/v1/work-orders/${id}`, { [step.field]: step.value }), 200)))
        result.acknowledged.edits++;
      return;
    }
    case 'transition': {
      const id = pickId(known, step.pick);
      const body = { to: step.to, ...(step.reason ? { reason: step.reason } : {}) };
      if (id && (await ok(d.proc.api('POST', `/api/v1/work-orders/${id}/transitions`, body), 200))) result.acknowledged.transitions++;
      return;
    }
    case 'note': {
      const id = pickId(known, step.pick);
      if (id && (await ok(d.proc.api('POST', `/api/v1/work-orders/${id}/notes`, { body: step.body }), 201))) result.acknowledged.notes++;
      return;
    }
    case 'sync':
      await d.proc.syncNow().catch(() => undefined);
      return;
    case 'fault':
      d.proxy.set({ mode: 'pass', choices: step.choices.length ? step.choices : ['drop'], probability: step.probability, delayMs: 200 });
      return;
    case 'partition':
      d.proxy.set({ mode: 'partition' });
      return;
    case 'heal':
      d.proxy.heal();
      return;
    case 'kill-depot': {
      // A sync in flight when the kill lands: the moment a half-done exchange would show.
      const inFlight = d.proc.syncNow().catch(() => undefined);
      await new Promise((r) => setTimeout(r, step.afterMs));
      await restartDepot(d);
      await inFlight;
      result.kills++;
      return;
    }
  }
}

async function restartDepot(d: FuzzDepot): Promise<void> {
  d.up = false;
  await d.proc.restart();
  d.up = true;
}

/** Heals every link, then syncs the depots round-robin until a whole round finds nothing to push or pull. */
async function converge(org: FuzzOrg): Promise<void> {
  for (const d of org.depots) d.proxy.heal();
  for (let round = 0; round < 4; round++) {
    for (const d of org.depots) await d.proc.syncUntilClean(60_000);
  }
}

/** The end-state checks, on their own so a test can show they catch a replica that was tampered with. */
export async function check(org: FuzzOrg, created: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const states = new Map<string, Map<string, TableState>>();
  for (const d of org.depots) states.set(d.name, canonicalState(d.dbFile, d.proc.orgId));
  problems.push(...divergences(states).map((p) => `diverged: ${p}`));
  const onHub = await org.hubDb.workOrderIds(org.org.orgId);
  for (const id of created) if (!onHub.has(id)) problems.push(`acknowledged work order ${id} is missing on the hub`);
  for (const d of org.depots) {
    const db = new Database(d.dbFile, { readonly: true });
    try {
      const have = new Set(db.prepare('SELECT id FROM work_orders').pluck().all() as string[]);
      const missing = created.filter((id) => !have.has(id));
      if (missing.length) problems.push(`${d.name} lacks ${missing.length} acknowledged work orders, e.g. ${missing[0]}`);
      const twice = db.prepare('SELECT number FROM work_orders GROUP BY number HAVING count(*) > 1').pluck().all() as string[];
      if (twice.length) problems.push(`${d.name}: work order numbers used twice: ${twice.slice(0, 5).join(', ')}`);
    } finally {
      db.close();
    }
    const audit = await d.proc.api<{ ok: boolean; brokenRows: number }>('GET', '/api/v1/audit/verify');
    if (audit.status !== 200 || !audit.body.ok)
      problems.push(`${d.name}: audit chain does not verify: ${JSON.stringify(audit.body).slice(0, 300)}`);
  }
  problems.push(...(await org.hubDb.invariants(org.org.orgId)).map((p) => `hub invariant: ${p}`));
  return problems;
}
