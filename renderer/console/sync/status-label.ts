import type { SyncStatusDto } from '../../../server/sync/contract';

/** Colour families of the header badge; `muted` is a depot that is not syncing on purpose. */
export type SyncTone = 'ok' | 'busy' | 'warn' | 'error' | 'muted';

export interface SyncBadge {
  /** The status in words, e.g. "Synced 2 min ago" or "Offline — retrying in 40 s". */
  label: string;
  /** The same for the crowded top bar: "Offline ↻ 40 s" (the full label is its name and tooltip). */
  short: string;
  tone: SyncTone;
  /** Mutations not yet acknowledged by the hub; shown only when > 0. */
  pending: number;
  /** Open refusals plus conflicts; shown only when > 0. */
  issues: number;
}

/** "just now", "1 min ago", "12 min ago", "3 h ago", "2 d ago"; null for a time never reached. */
export function ago(iso: string | null, nowMs: number): string | null {
  if (!iso) return null;
  // A clock a little ahead of ours (the host's) must not read "in 2 s ago".
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 90) return '1 min ago';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** "in 40 s", "in 3 min", or "now" when the time has come (a retry is under way). */
export function inTime(iso: string | null, nowMs: number): string {
  if (!iso) return 'soon';
  const s = Math.ceil((Date.parse(iso) - nowMs) / 1000);
  if (s <= 0) return 'now';
  if (s < 90) return `in ${s} s`;
  return `in ${Math.round(s / 60)} min`;
}

/** The later of two ISO times (the last time the hub answered this depot either way). */
export function latest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** What the sync badge says for a status at a moment (pure: the badge re-renders on a clock). */
export function syncBadge(s: SyncStatusDto, nowMs: number): SyncBadge {
  const counts = { pending: s.pending, issues: s.refusals + s.conflicts };
  if (!s.enrolled || s.phase === 'off')
    return { label: 'Not synced', short: 'Not synced', tone: 'muted', pending: 0, issues: counts.issues };
  switch (s.phase) {
    case 'revoked':
      return { label: 'Hub refused this depot — enrol again', short: 'Refused by hub', tone: 'error', ...counts };
    case 'paused':
      return { label: 'Paused', short: 'Paused', tone: 'warn', ...counts };
    case 'connecting':
      return { label: 'Syncing…', short: 'Syncing…', tone: 'busy', ...counts };
    case 'offline': {
      const when = inTime(s.nextAttemptAt, nowMs);
      const due = when === 'now' || when === 'soon';
      return {
        label: due ? 'Offline — retrying…' : `Offline — retrying ${when}`,
        short: due ? 'Offline ↻ …' : `Offline ↻ ${when.replace(/^in /, '')}`,
        tone: 'warn',
        ...counts,
      };
    }
    case 'online': {
      const last = ago(latest(s.lastPushAt, s.lastPullAt), nowMs);
      return last
        ? { label: `Synced ${last}`, short: `Synced ${last}`, tone: 'ok', ...counts }
        : { label: 'Syncing…', short: 'Syncing…', tone: 'busy', ...counts };
    }
  }
}

/**
 * An offline status whose retry time has passed by more than a few seconds: the retry ran and
 * failed the same way, which the host does not announce (the phase and error did not change), so
 * the console asks for the status instead of showing "retrying…" for ever.
 */
export function retryOverdue(s: Pick<SyncStatusDto, 'phase' | 'nextAttemptAt'>, nowMs: number, graceMs = 1000): boolean {
  return s.phase === 'offline' && s.nextAttemptAt !== null && nowMs - Date.parse(s.nextAttemptAt) > graceMs;
}

/** "1 conflict", "2 refused", "1 refused · 3 conflicts": what needs an admin's eye. */
export function issuesText(s: Pick<SyncStatusDto, 'refusals' | 'conflicts'>): string {
  const parts: string[] = [];
  if (s.refusals > 0) parts.push(`${s.refusals} refused`);
  if (s.conflicts > 0) parts.push(`${s.conflicts} ${s.conflicts === 1 ? 'conflict' : 'conflicts'}`);
  return parts.join(' · ');
}

/** What a newer release sent that this depot keeps until its upgrade (docs/sync.md "Versions apart"). */
/** `count` writes numbers the depot's way (useDepotFormat().number). */
export function heldText(held: SyncStatusDto['held'], count: (n: number) => string): string {
  const n = held.entries;
  const what = held.names.length ? `: ${held.names.join(', ')}` : '';
  const kept = n === 1 ? 'It is kept and applied' : 'They are kept and applied';
  return `The hub runs a newer release: ${count(n)} ${n === 1 ? 'change' : 'changes'} to data this depot's release does not have yet${what}. ${kept} when this depot is upgraded.`;
}

/** The last drift check in a sentence: everything matched, or what differed and what was done. */
export function driftText(d: NonNullable<SyncStatusDto['drift']>, count: (n: number) => string): string {
  const onlyHere = Object.entries(d.onlyHere);
  if (d.mismatched.length === 0)
    return `All ${d.tables} tables hold the same rows as the hub${d.compared > 0 ? `; ${count(d.compared)} rows compared field by field` : ''}.`;
  const parts = [`${d.mismatched.length} of ${d.tables} tables differed from the hub (${d.mismatched.join(', ')})`];
  if (d.fetched > 0) parts.push(`${count(d.fetched)} missing ${d.fetched === 1 ? 'row was' : 'rows were'} fetched from the hub`);
  if (d.repaired > 0)
    parts.push(`${count(d.repaired)} ${d.repaired === 1 ? 'row' : 'rows'} with other values than the hub's set back to the hub's`);
  if (onlyHere.length > 0) {
    const n = onlyHere.reduce((a, [, c]) => a + c, 0);
    parts.push(
      `${count(n)} ${n === 1 ? 'row is' : 'rows are'} here but not at the hub (${onlyHere.map(([t, c]) => `${t}: ${c}`).join(', ')}); they are kept`,
    );
  }
  return `${parts.join('; ')}.`;
}

/** How changes from the hub reach this depot right now. */
export function transportText(s: Pick<SyncStatusDto, 'live' | 'phase'>): string {
  if (s.live) return 'Live connection: changes arrive within seconds';
  if (s.phase === 'online' || s.phase === 'connecting') return 'Polling every 30 s (live connection down)';
  return 'Not connected';
}

/**
 * The sentence above the enrolment form's button for a failed enrolment: who said no and what to
 * do, around the host's own words (the hub's reason for a refusal, the network error otherwise).
 */
export function enrolErrorText(code: string | null, message: string): string {
  switch (code) {
    case 'hub_unreachable':
      return `The hub could not be reached: ${message} Check the address and this computer's network, then try again.`;
    case 'enrolment_refused':
      return `The hub refused this depot: ${message}`;
    default:
      return message;
  }
}

/** "work_order.status_changed" → "Work order status changed": a change log action for people. */
export function actionText(action: string | null): string {
  if (!action) return 'A change';
  const text = action.replace(/[._]+/g, ' ').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
