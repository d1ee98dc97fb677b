import { ipKeyGenerator } from 'express-rate-limit';
import type { Clock } from '../../core/clock.js';

/** Wrong passwords allowed per link and client address in a minute before that address must wait. */
export const SHARE_FAILURES_PER_MINUTE = 5;
/** Windows kept at most; stale ones go first, so a flood of keys cannot wipe a live lock wholesale. */
const MAX_WINDOWS = 10_000;

/**
 * Slows password guessing on a share link's page. The count is per (link, client address): an
 * attacker who exhausts the attempts locks out only themself, never the customer who holds the
 * password on another address (a link-wide lock would let anyone deny the customer their page).
 * Addresses go through express-rate-limit's ipKeyGenerator, as the sign-in limits do: an IPv6
 * device rotating through its own /56 is still one client.
 */
export class ShareLockout {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute = SHARE_FAILURES_PER_MINUTE,
  ) {}

  blocked(linkId: string, address: string | undefined): boolean {
    const w = this.current(this.key(linkId, address));
    return w !== undefined && w.failures >= this.perMinute;
  }

  fail(linkId: string, address: string | undefined): void {
    const key = this.key(linkId, address);
    const w = this.current(key);
    if (w) w.failures += 1;
    else {
      if (this.windows.size >= MAX_WINDOWS) this.prune();
      this.windows.set(key, { start: this.clock.now(), failures: 1 });
    }
  }

  private key(linkId: string, address: string | undefined): string {
    return `${linkId}|${ipKeyGenerator(address ?? '')}`;
  }

  private current(key: string) {
    const w = this.windows.get(key);
    if (w && this.clock.now() - w.start >= 60_000) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [key, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(key);
    // Still full of live windows: drop the oldest (a Map iterates in insertion order).
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_WINDOWS) break;
      this.windows.delete(key);
    }
  }
}
