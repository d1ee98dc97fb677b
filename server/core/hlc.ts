import type { Clock } from './clock.js';

/** Counter values per millisecond; the wire form pads to five digits, so this must stay below 100,000. */
export const HLC_MAX_COUNTER = 0xffff;
/** How far ahead of our own clock a remote stamp may be before it is refused (config may override). */
export const HLC_DEFAULT_MAX_DRIFT_MS = 60_000;

/** A remote stamp too far in the future: merging it would drag every later local stamp with it. */
export class ClockDriftError extends Error {
  constructor(
    readonly remote: string,
    readonly aheadMs: number,
  ) {
    super(`HLC stamp ${remote} is ${aheadMs} ms ahead of this depot's clock`);
    this.name = 'ClockDriftError';
  }
}

export interface HlcOptions {
  maxDriftMs?: number;
  /** Told of every refused stamp, so the host can count it in /metrics and log it. */
  onRefused?: (error: ClockDriftError) => void;
}

/**
 * Hybrid logical clock: physical milliseconds plus a counter, stamped with the depot that made the
 * change. Strings compare in causal order, so sync can resolve last-writer-wins without trusting
 * each depot's wall clock to be exact.
 *
 * Two bounds keep one bad clock from poisoning the order for good: the counter never passes
 * HLC_MAX_COUNTER (the logical time moves one millisecond ahead instead, so string order and numeric
 * order agree however long the wall clock stands still or runs back), and a remote stamp more than
 * `maxDriftMs` ahead of our clock is refused rather than adopted.
 */
export class Hlc {
  private wall = 0;
  private counter = 0;
  private readonly maxDriftMs: number;

  constructor(
    private readonly node: string,
    private readonly clock: Clock,
    last?: string | null,
    private readonly options: HlcOptions = {},
  ) {
    this.maxDriftMs = options.maxDriftMs ?? HLC_DEFAULT_MAX_DRIFT_MS;
    if (last) {
      const parsed = Hlc.parse(last);
      this.wall = parsed.wall;
      this.counter = Math.min(parsed.counter, HLC_MAX_COUNTER);
    }
  }

  /**
   * A stamp after every one issued or merged. `at` is the event's own time when the caller has one: a
   * mutation stamps with the moment it began (the time its rows carry as updatedAt), not the moment
   * its last row was written, so a replica that dates the row by its stamp reads the same updatedAt.
   */
  next(at: number = this.clock.now()): string {
    const physical = at;
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else {
      this.tick();
    }
    return Hlc.format(this.wall, this.counter, this.node);
  }

  /** The last stamp issued or merged, persisted as the high-water mark so a restart never goes back. */
  last(): string | null {
    return this.wall === 0 ? null : Hlc.format(this.wall, this.counter, this.node);
  }

  /**
   * Merge a timestamp seen from another depot so our next stamp sorts after it. Throws
   * ClockDriftError (after telling `onRefused`) when the stamp is beyond the drift bound; the clock
   * is then left exactly as it was.
   */
  receive(remote: string): void {
    const r = Hlc.parse(remote);
    const physical = this.clock.now();
    if (r.wall > physical + this.maxDriftMs) {
      const error = new ClockDriftError(remote, r.wall - physical);
      this.options.onRefused?.(error);
      throw error;
    }
    const remoteCounter = Math.min(r.counter, HLC_MAX_COUNTER);
    if (physical > this.wall && physical > r.wall) {
      this.wall = physical;
      this.counter = 0;
      return;
    }
    if (r.wall > this.wall) {
      this.wall = r.wall;
      this.counter = remoteCounter;
    } else if (r.wall === this.wall) {
      this.counter = Math.max(this.counter, remoteCounter);
    }
    this.tick();
  }

  /** One logical step within the current millisecond, moving to the next one when the counter is full. */
  private tick(): void {
    if (this.counter >= HLC_MAX_COUNTER) {
      this.wall += 1;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
  }

  static format(wall: number, counter: number, node: string): string {
    return `${wall.toString().padStart(15, '0')}:${counter.toString().padStart(5, '0')}:${node}`;
  }

  static parse(value: string): { wall: number; counter: number; node: string } {
    const [wall, counter, ...node] = value.split(':');
    const w = Number(wall);
    const c = Number(counter);
    if (!Number.isSafeInteger(w) || w < 0 || !Number.isSafeInteger(c) || c < 0 || node.length === 0 || wall?.length !== 15) {
      throw new Error(`Bad HLC timestamp: ${value}`);
    }
    return { wall: w, counter: c, node: node.join(':') };
  }
}
