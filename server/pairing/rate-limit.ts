import type { Clock } from '../core/clock.js';
import { TooManyRequestsError } from '../errors.js';

/** Failed claims allowed per client address per minute; the code space (31^8) makes guessing hopeless at this pace. */
export const CLAIM_FAILURES_PER_MINUTE = 10;

/**
 * Counts failed pairing claims per client address in fixed one-minute windows of the host clock.
 * Unlike the sign-in limiter (express-rate-limit, mounted in server/app.ts) this lives with its
 * route, and only failures count: a crew pairing many phones behind one address is not slowed,
 * while a guesser is stopped, even when a later guess would be right.
 */
export class ClaimLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute = CLAIM_FAILURES_PER_MINUTE,
  ) {}

  /** Throws 429 when `key` has used up its failures for the current minute. */
  check(key: string): void {
    const w = this.current(key);
    if (w && w.failures >= this.perMinute) {
      throw new TooManyRequestsError('Too many pairing attempts. Wait a minute and try again.');
    }
  }

  fail(key: string): void {
    const now = this.clock.now();
    const w = this.current(key);
    if (w) w.failures += 1;
    else {
      // Bounds memory under a flood of addresses: stale windows are worthless anyway.
      if (this.windows.size > 10_000) this.prune(now);
      this.windows.set(key, { start: now, failures: 1 });
    }
  }

  private current(key: string) {
    const w = this.windows.get(key);
    if (!w) return undefined;
    if (this.clock.now() - w.start >= 60_000) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(key);
    if (this.windows.size > 10_000) this.windows.clear();
  }
}

/** One limiter per host, so separate hosts (tests, hub mode) never share counts. */
