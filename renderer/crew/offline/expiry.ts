import { DAY_MS, REPLAY_HORIZON_DAYS_DEFAULT } from '../../../server/sync/contract';
import type { OutboxAction } from './types';

/**
 * The host recognises a replayed action by its id for the replay horizon (30 days by default) and
 * no longer: an older action sent now could be applied a second time (a duplicate note, a step
 * done twice). So the outbox expires it instead of sending it. One day is kept in hand for the
 * phone's clock being off from the host's (the horizon runs from when the host applied it, the
 * age here from when the phone queued it). The host has no settings endpoint crews can read, so
 * the default is shared through server/sync/contract.ts.
 */
export const EXPIRES_AFTER_MS = (REPLAY_HORIZON_DAYS_DEFAULT - 1) * DAY_MS;

export function isExpired(action: Pick<OutboxAction, 'createdAt'>, now: number, afterMs = EXPIRES_AFTER_MS): boolean {
  const created = Date.parse(action.createdAt);
  // An unreadable date cannot be proven young: expiring it is the safe side.
  return !Number.isFinite(created) || now - created > afterMs;
}

export const EXPIRED_MESSAGE = `Not sent: it waited on this phone more than ${REPLAY_HORIZON_DAYS_DEFAULT - 1} days, and the depot host may no longer recognise it (it could be applied twice). Check the work order and do it again if it is still needed, then discard this.`;

/** A 2xx that says "already applied earlier" (server/http/contract-replay.ts) carries no new state to show. */
export function isReplayedMarker(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { replayed?: unknown }).replayed === true;
}
