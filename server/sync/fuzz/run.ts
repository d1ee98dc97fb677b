import Database from 'better-sqlite3';
import { canonicalState, divergences, type TableState } from './canonical.js';
import type { FuzzOrg } from './org.js';
import { scheduleFor, type Step } from './schedule.js';

/**
 * Runs one schedule on the org, heals the network, lets every depot sync until clean, then checks
 * what convergence means here: every replica's replicated state is the same (a canonical hash per
 * table), every write a depot acknowledged is on every depot (work orders on the hub too), an
 * outbox's resent note is applied once, no two work orders share a number, every depot's audit chain
 * verifies, and the hub's own invariants hold.
 */

export interface Acknowledged {
  creates: number;
  edits: number;
  transitions: number;
  notes: number;
  replays: number;
  messages: number;
  materials: number;
  locations: number;
}

export interface ScheduleResult {
  seed: number;
  steps: number;
  acknowledged: Acknowledged;
  refused: number;
  kills: number;
  /** Depots restored from a backup. */
  restores: number;
  /** Acknowledgements a restore took back (made after the backup, never pushed): not checked. */
  discarded: number;
  /** Empty when the org converged. */
  problems: string[];
  ms: number;
}

/** A result with nothing acknowledged yet (also what a schedule that threw reports, with its error). */
export function emptyResult(seed: number, steps: number): ScheduleResult {
  return {
    seed,
    steps,
    acknowledged: { creates: 0, edits: 0, transitions: 0, notes: 0, replays: 0, messages: 0, materials: 0, locations: 0 },
    refused: 0,
    kills: 0,
    restores: 0,
    discarded: 0,
    problems: [],
    ms: 0,
  };
}

/** What the workload knows across schedules: the rows it may edit, and the keyed notes an outbox may resend. */
export interface FuzzMemory {
  /** Steps run so far, across schedules: when an acknowledgement or a backup happened. */
  op: number;
  /** Each depot's latest backup (`yesterday's`, once a schedule has passed) and the step it was taken at. */
  backups: Map<number, { id: string; op: number }>;
  workOrders: string[];
  locations: string[];
  keyedNotes: { depot: number; workOrderId: string; body: string; key: string }[];
  /** One stock item, stocked at every depot (set up before the first schedule). */
  stock: { itemId: string; depotIds: string[] } | null;
}

export const emptyMemory = (): FuzzMemory => ({ op: 0, backups: new Map(), workOrders: [], locations: [], keyedNotes: [], stock: null });

/** Rows acknowledged during one schedule, each checked on every replica afterwards. */
interface Acks {
  rows: { table: string; id: string; depot: number; op: number }[];
  /** note body → the depot and step that acknowledged it, and whether a restore may have lost it. */
  keyedNotes: Map<string, { depot: number; op: number; mayBeLost: boolean }>;
  /** Acknowledgements a depot's restore from a backup legitimately took back (never reached the hub). */
  discarded: number;
}

const noAcks = (): Acks => ({ rows: [], keyedNotes: new Map(), discarded: 0 });

const PLANNED = () => new Date(Date.now() + 86_400_000).toISOString();

export async function runSchedule(org: FuzzOrg, seed: number, steps: number, memory: FuzzMemory): Promise<ScheduleResult> {
  const started = performance.now();
  const result = emptyResult(seed, steps);
  memory.stock ??= await stockUp(org);
  const acks = noAcks();
  for (const step of scheduleFor(seed, steps)) {
    memory.op += 1;
    await apply(org, step, memory, acks, result);
  }
  await converge(org);
  result.problems = await check(org, acks);
  result.discarded = acks.discarded;
  result.ms = performance.now() - started;
  return result;
}

/** One item with plenty in stock at each depot, so material usage mostly succeeds. */
async function stockUp(org: FuzzOrg): Promise<{ itemId: string; depotIds: string[] }> {
  const first = org.depots[0]!.proc;
  const item = await first.api<{ id: string }>('POST', '/api/v1/stock-items', {
    sku: 'FUZZ-1',
    name: 'Fuzz fitting',
    kind: 'material',
    unit: 'pcs',
  });
  if (item.status !== 201) throw new Error(`stock item: ${item.status} ${JSON.stringify(item.body)}`);
  await converge(org);
  const depots = await first.api<{ items: { id: string; code: string }[] }>('GET', '/api/v1/depots');
  const depotIds = org.depots.map((d) => {
    const found = depots.body.items.find((x) => x.code === d.name);
    if (!found) throw new Error(`depot ${d.name} is not in ${JSON.stringify(depots.body).slice(0, 300)}`);
    return found.id;
  });
  for (const [i, d] of org.depots.entries()) {
    const level = await d.proc.api('PUT', '/api/v1/stock-levels', { depotId: depotIds[i], itemId: item.body.id, quantity: 100_000 });
    if (level.status !== 201 && level.status !== 200)
      throw new Error(`stock level at ${d.name}: ${level.status} ${JSON.stringify(level.body)}`);
  }
  await converge(org);
  return { itemId: item.body.id, depotIds };
}

function pick<T>(list: readonly T[], at: number): T | null {
  return list.length ? list[Math.floor(at * list.length)]! : null;
}

function remember(acks: Acks, memory: FuzzMemory, depot: number, table: string, id: string): void {
  acks.rows.push({ table, id, depot, op: memory.op });
}

async function apply(org: FuzzOrg, step: Step, memory: FuzzMemory, acks: Acks, result: ScheduleResult): Promise<void> {
  if (step.kind === 'kill-hub') {
    await new Promise((r) => setTimeout(r, step.afterMs));
    await org.hub.restart();
    for (const d of org.depots) d.proxy.target = org.hub.url;
    result.kills++;
    return;
  }
  const d = org.depots[step.depot]!;
  // A call to a depot that is down, or any answer but the one wanted, acknowledges nothing.
  const send = async <T>(call: () => Promise<{ status: number; body: T }>, wanted: number): Promise<T | null> => {
    try {
      const res = await call();
      if (res.status === wanted) return res.body;
    } catch {
      // refused below
    }
    result.refused++;
    return null;
  };
  const wo = pick(memory.workOrders, 'pick' in step ? step.pick : 0);
  const loc = pick(memory.locations, 'pick' in step ? step.pick : 0);
  const a = result.acknowledged;
  switch (step.kind) {
    case 'create': {
      const body = { title: step.title, type: 'corrective', priority: 'medium', ...(step.planned ? { plannedStart: PLANNED() } : {}) };
      const made = await send(() => d.proc.api<{ id: string }>('POST', '/api/v1/work-orders', body), 201);
      if (made) {
        memory.workOrders.push(made.id);
        remember(acks, memory, step.depot, 'work_orders', made.id);
        a.creates++;
      }
      return;
    }
    case 'edit':
      if (wo && (await send(() => d.proc.api('PATCH', `/api/v1/work-orders/${wo}`, { [step.field]: step.value }), 200))) a.edits++;
      return;
    case 'transition': {
      const body = { to: step.to, ...(step.reason ? { reason: step.reason } : {}) };
      if (wo && (await send(() => d.proc.api('POST', `/api/v1/work-orders/${wo}/transitions`, body), 200))) a.transitions++;
      return;
    }
    case 'note': {
      if (!wo) return;
      const made = await send(
        () => d.proc.keyedPost<{ id: string }>(`/api/v1/work-orders/${wo}/notes`, { body: step.body }, step.key),
        201,
      );
      memory.keyedNotes.push({ depot: step.depot, workOrderId: wo, body: step.body, key: step.key });
      if (made) {
        acks.keyedNotes.set(step.body, { depot: step.depot, op: memory.op, mayBeLost: false });
        a.notes++;
      }
      return;
    }
    case 'replay': {
      // The outbox belongs to a phone paired with one depot: it resends there.
      const mine = memory.keyedNotes.filter((n) => n.depot === step.depot);
      const again = pick(mine, step.pick);
      if (!again) return;
      const res = await d.proc
        .keyedPost<{ id?: string }>(`/api/v1/work-orders/${again.workOrderId}/notes`, { body: again.body }, again.key)
        .catch(() => null);
      // 201 the first time through (the original was lost), 201 replayed or 200 "already applied" after.
      if (res && (res.status === 201 || res.status === 200)) {
        a.replays++;
        if (!acks.keyedNotes.has(again.body)) acks.keyedNotes.set(again.body, { depot: step.depot, op: memory.op, mayBeLost: false });
      } else result.refused++;
      return;
    }
    case 'message': {
      const made =
        wo && (await send(() => d.proc.api<{ id: string }>('POST', `/api/v1/work-orders/${wo}/messages`, { body: step.body }), 201));
      if (made) {
        remember(acks, memory, step.depot, 'work_order_messages', made.id);
        a.messages++;
      }
      return;
    }
    case 'material': {
      const stock = memory.stock!;
      const body = { itemId: stock.itemId, depotId: stock.depotIds[step.depot]!, quantity: step.quantity };
      const made = wo && (await send(() => d.proc.api<{ id: string }>('POST', `/api/v1/work-orders/${wo}/materials`, body), 201));
      if (made) {
        remember(acks, memory, step.depot, 'material_usages', made.id);
        a.materials++;
      }
      return;
    }
    case 'location-create': {
      const body = { code: step.code, name: step.name, lat: 51.45 + Math.random() / 100, lon: -2.58 };
      const made = await send(() => d.proc.api<{ id: string }>('POST', '/api/v1/locations', body), 201);
      if (made) {
        memory.locations.push(made.id);
        remember(acks, memory, step.depot, 'locations', made.id);
        a.locations++;
      }
      return;
    }
    case 'location-edit':
      if (loc && (await send(() => d.proc.api('PATCH', `/api/v1/locations/${loc}`, { name: step.name }), 200))) a.locations++;
      return;
    case 'location-delete':
      if (loc && (await send(() => d.proc.api('DELETE', `/api/v1/locations/${loc}`), 204))) a.locations++;
      return;
    case 'location-restore':
      if (loc && (await send(() => d.proc.api('POST', `/api/v1/locations/${loc}/restore`), 200))) a.locations++;
      return;
    case 'sync':
      await d.proc.syncNow().catch(() => undefined);
      return;
    case 'backup': {
      const made = await send(() => d.proc.api<{ id: string }>('POST', '/api/v1/backups'), 201);
      if (made) memory.backups.set(step.depot, { id: made.id, op: memory.op });
      return;
    }
    case 'restore-backup': {
      const backup = memory.backups.get(step.depot);
      if (!backup) return;
      // What reached the hub comes back by pull; anything this depot acknowledged after the backup
      // and had not pushed is gone with the restore, as an admin restoring a backup accepts.
      const onHub = await org.hubDb.workOrderIds(org.org.orgId);
      if (!(await d.proc.restoreBackup(backup.id))) {
        result.refused++;
        return;
      }
      result.restores++;
      const kept = acks.rows.filter((r) => r.depot !== step.depot || r.op <= backup.op || (r.table === 'work_orders' && onHub.has(r.id)));
      acks.discarded += acks.rows.length - kept.length;
      acks.rows = kept;
      for (const n of acks.keyedNotes.values()) if (n.depot === step.depot && n.op > backup.op) n.mayBeLost = true;
      return;
    }
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
      await d.proc.restart();
      await inFlight;
      result.kills++;
      return;
    }
  }
}

/** Heals every link, then syncs the depots round-robin, four rounds, each depot until it is clean. */
async function converge(org: FuzzOrg): Promise<void> {
  for (const d of org.depots) d.proxy.heal();
  for (let round = 0; round < 4; round++) {
    for (const d of org.depots) await d.proc.syncUntilClean(60_000);
  }
}

/** The end-state checks, on their own so a test can show they catch a replica that was tampered with. */
export async function check(org: FuzzOrg, acks: Acks = noAcks()): Promise<string[]> {
  const problems: string[] = [];
  const states = new Map<string, Map<string, TableState>>();
  for (const d of org.depots) states.set(d.name, canonicalState(d.dbFile, d.proc.orgId));
  problems.push(...divergences(states).map((p) => `diverged: ${p}`));
  const onHub = await org.hubDb.workOrderIds(org.org.orgId);
  for (const r of acks.rows)
    if (r.table === 'work_orders' && !onHub.has(r.id)) problems.push(`acknowledged work order ${r.id} is missing on the hub`);
  const tables = new Map<string, string[]>();
  for (const r of acks.rows) tables.set(r.table, [...(tables.get(r.table) ?? []), r.id]);
  for (const d of org.depots) {
    const db = new Database(d.dbFile, { readonly: true });
    try {
      for (const [table, ids] of tables) {
        const have = new Set(db.prepare(`SELECT id FROM "${table}"`).pluck().all() as string[]);
        const missing = ids.filter((id) => !have.has(id));
        if (missing.length) problems.push(`${d.name} lacks ${missing.length} acknowledged ${table} rows, e.g. ${missing[0]}`);
      }
      const notes = db.prepare("SELECT count(*) FROM work_order_events WHERE type = 'note' AND json_extract(data, '$.body') = ?").pluck();
      for (const [body, note] of acks.keyedNotes) {
        const n = notes.get(body) as number;
        // A note a restore may have lost must still never be there twice (a resend after the restore).
        if (n > 1 || (n === 0 && !note.mayBeLost)) problems.push(`${d.name}: the keyed note "${body}" is there ${n} times, not once`);
      }
      const twice = db.prepare('SELECT number FROM work_orders GROUP BY number HAVING count(*) > 1').pluck().all() as string[];
      if (twice.length) problems.push(`${d.name}: work order numbers used twice: ${twice.slice(0, 5).join(', ')}`);
    } finally {
      db.close();
    }
    // Each depot against the hub too (the canonical hash compares depots with each other): its drift
    // check must find the same rows per table. A check skipped (the org moved meanwhile) says nothing.
    type Drift = { drift: { checkedAt: string; mismatched: string[]; onlyHere: Record<string, number> } | null };
    const before = await d.proc.api<Drift>('GET', '/api/v1/sync/status');
    const after = await d.proc.api<Drift>('POST', '/api/v1/sync/drift-check');
    const drift = after.body.drift;
    if (after.status === 200 && drift && drift.checkedAt !== before.body.drift?.checkedAt && drift.mismatched.length)
      problems.push(
        `${d.name}: its rows differ from the hub's in ${drift.mismatched.join(', ')} (only here: ${JSON.stringify(drift.onlyHere)})`,
      );
    const audit = await d.proc.api<{ ok: boolean; brokenRows: number }>('GET', '/api/v1/audit/verify');
    if (audit.status !== 200 || !audit.body.ok)
      problems.push(`${d.name}: audit chain does not verify: ${JSON.stringify(audit.body).slice(0, 300)}`);
  }
  problems.push(...(await org.hubDb.invariants(org.org.orgId)).map((p) => `hub invariant: ${p}`));
  return problems;
}
