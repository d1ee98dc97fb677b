/** Everything that asks "what time is it?" goes through a Clock, so tests can pin time (DESIGN invariant 4). */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  // Whole milliseconds, as Date.now() gives: stored times are integers (a fraction would be stored
  // as REAL by SQLite and break every contract that says "integer").
  private ms: number;
  constructor(ms: number) {
    this.ms = Math.round(ms);
  }
  now(): number {
    return this.ms;
  }
  set(ms: number | string): void {
    this.ms = Math.round(typeof ms === 'string' ? Date.parse(ms) : ms);
  }
  advance(ms: number): void {
    this.ms = Math.round(this.ms + ms);
  }
}
