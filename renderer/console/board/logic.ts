// Explicit .js paths and contract-only imports keep this file loadable by the Node-side tests (logic.test.ts beside it).
import type { WorkOrderDto } from '../../../server/work-orders/contract.js';
import type { LifecycleDto, LifecycleMoveDto } from '../../../server/work-orders/contract-lifecycle.js';
import { STATUS_LABEL } from '../../shared/work-orders/labels.js';

/** Pure board rules (no React): which SLA clock a card shows, and what a drop onto a column means. */

export type SlaShown = 'ok' | 'at_risk' | 'breached' | 'met' | 'none';

const RANK: Record<SlaShown, number> = { none: 0, met: 1, ok: 2, at_risk: 3, breached: 4 };

export interface ClockView {
  /** "Response" until someone is on site, then "Resolution". */
  label: string;
  text: string;
  state: SlaShown;
  title: string;
}

/**
 * The clock that matters now: the response target until the crew is on site, then the resolution
 * target. The host's SLA state is refreshed on every change; between changes the countdown ticks
 * here, so a card turns at-risk or breached on time even if nothing else happens.
 */
/** `dueText` writes the due time in the depot's locale and zone (useDepotFormat().dateTime). */
export function clockOf(wo: WorkOrderDto, now: number, dueText: (iso: string) => string): ClockView {
  const host = (wo.slaState ?? 'none') as SlaShown;
  if (wo.status === 'COMPLETED' || wo.status === 'CLOSED' || wo.status === 'CANCELLED') {
    const text = wo.status === 'CANCELLED' ? 'Cancelled' : host === 'breached' ? 'Late' : host === 'met' ? 'Met' : 'Done';
    return { label: 'SLA', text, state: host, title: `SLA ${host}` };
  }
  const responding = wo.respondedAt === null;
  if (!responding && wo.status === 'ON_HOLD') {
    return {
      label: 'Resolution',
      text: 'Paused',
      state: host,
      title: `Resolution clock paused while on hold${wo.holdReason ? `: ${wo.holdReason}` : ''}`,
    };
  }
  const due = responding ? wo.responseDueAt : wo.resolutionDueAt;
  const risk = responding ? wo.responseAtRiskAt : wo.resolutionAtRiskAt;
  const label = responding ? 'Response' : 'Resolution';
  if (!due) return { label, text: 'No SLA', state: host, title: 'No SLA policy applies' };
  let local: SlaShown = 'ok';
  if (now >= Date.parse(due)) local = 'breached';
  else if (risk && now >= Date.parse(risk)) local = 'at_risk';
  const state = RANK[local] > RANK[host] ? local : host;
  return { label, text: shortCountdown(due, now), state, title: `${label} due ${dueText(due)}` };
}

/**
 * A countdown short enough for a card in a 180 px column: minutes only while they matter
 * ("36m left", "3h 19m left", "12h over", "4d 20h over").
 */
export function shortCountdown(dueIso: string, now: number): string {
  const diff = Date.parse(dueIso) - now;
  const min = Math.floor(Math.abs(diff) / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  const text = d > 0 ? `${d}d ${h}h` : h >= 10 ? `${h}h` : h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m`;
  return `${text} ${diff >= 0 ? 'left' : 'over'}`;
}

export type MoveIndex = Map<string, LifecycleMoveDto>;

export function indexMoves(lifecycle: LifecycleDto | undefined): MoveIndex {
  return new Map((lifecycle?.moves ?? []).map((m) => [`${m.from}>${m.to}`, m]));
}

export type DropVerdict =
  { ok: true; move: LifecycleMoveDto; ask: null | 'reason' | 'comment' | 'confirm' } | { ok: false; reason: string };

/**
 * What dropping `wo` on column `to` would do, judged before asking the host: the lifecycle and the
 * caller's role (from GET /work-orders/lifecycle) and the preconditions the card itself shows.
 * The host checks again (checklists, concurrent edits) and its refusal is shown as is.
 */
export function judgeDrop(moves: MoveIndex, wo: WorkOrderDto, to: string): DropVerdict {
  const move = moves.get(`${wo.status}>${to}`);
  if (!move) return { ok: false, reason: 'The lifecycle is still loading.' };
  if (!move.allowed) return { ok: false, reason: move.reason ?? 'This move is not allowed.' };
  for (const req of move.requires) {
    if (req.kind === 'plannedStart' && !wo.plannedStart) return { ok: false, reason: req.message };
    if (req.kind === 'assignee' && !wo.assigneeId) return { ok: false, reason: req.message };
    if (req.kind === 'heldFrom' && wo.heldFromStatus && wo.heldFromStatus !== to) {
      return { ok: false, reason: `${req.message} This one goes back to ${STATUS_LABEL[wo.heldFromStatus]}.` };
    }
  }
  const kinds = move.requires.map((r) => r.kind);
  const ask = kinds.includes('reason')
    ? 'reason'
    : kinds.includes('comment')
      ? 'comment'
      : to === 'CANCELLED' || move.via === 'closure'
        ? 'confirm'
        : null;
  return { ok: true, move, ask };
}
