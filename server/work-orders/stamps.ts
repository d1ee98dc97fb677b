import type { Ctx } from '../core/context.js';
import { UnprocessableError } from '../errors.js';
import type { PositionInput } from './contract-field.js';

/** Checks on the times and positions phones stamp on field actions. */

export const MAX_AHEAD_MS = 5 * 60_000;
export const MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * The client's "when it happened", in epoch ms, or null when the client did not say. Phones queue
 * actions offline for a while, so past times are normal; beyond a week, or minutes in the future,
 * the phone's clock is wrong and the stamp would mislead whoever reads the timeline.
 */
export function clientTime(ctx: Ctx, occurredAt: string | undefined, field = 'body.occurredAt'): number | null {
  if (occurredAt === undefined) return null;
  const at = Date.parse(occurredAt);
  const now = ctx.host.clock.now();
  if (at > now + MAX_AHEAD_MS) {
    throw new UnprocessableError(
      'occurred_at_out_of_range',
      `occurredAt (${occurredAt}) is more than 5 minutes ahead of the depot's clock; check the phone's date and time.`,
      [{ field, message: 'must not be more than 5 minutes in the future' }],
    );
  }
  if (at < now - MAX_AGE_MS) {
    throw new UnprocessableError(
      'occurred_at_out_of_range',
      `occurredAt (${occurredAt}) is more than 7 days old; record it as a note instead.`,
      [{ field, message: 'must not be more than 7 days old' }],
    );
  }
  return at;
}

/** The position as stored in event data: only the fields the phone gave. */
export function positionData(p: PositionInput): { lat: number; lon: number; accuracyM?: number } {
  return p.accuracyM === undefined ? { lat: p.lat, lon: p.lon } : { lat: p.lat, lon: p.lon, accuracyM: p.accuracyM };
}
