import type { Clock } from './clock.js';

/**
 * Hybrid logical clock: physical milliseconds plus a counter, stamped with the depot that made the
 * change. Strings compare in causal order, so sync can resolve last-writer-wins without trusting
 * each depot's wall clock to be exact.
 */
export class Hlc {
  private wall = 0;
  private counter = 0;

  constructor(private readonly node: string, private readonly clock: Clock, last?: string | null) {
    if (last) {
      const parsed = Hlc.parse(last);
      this.wall = parsed.wall;
      this.counter = parsed.counter;
    }
  }

  next(): string {
    const physical = this.clock.now();
    if (physical > this.wall) {
      this.wall = physical;
      this.counter = 0;
    } else {
      this.counter += 1;
    }
    return Hlc.format(this.wall, this.counter, this.node);
  }

  /** Merge a timestamp seen from another depot so our next stamp sorts after it. */
  receive(remote: string): void {
    const r = Hlc.parse(remote);
    const physical = this.clock.now();
    const wall = Math.max(this.wall, r.wall, physical);
    if (wall === this.wall && wall === r.wall) this.counter = Math.max(this.counter, r.counter) + 1;
    else if (wall === this.wall) this.counter += 1;
    else if (wall === r.wall) this.counter = r.counter + 1;
    else this.counter = 0;
    this.wall = wall;
  }

  static format(wall: number, counter: number, node: string): string {
    return `${wall.toString().padStart(15, '0')}:${counter.toString().padStart(5, '0')}:${node}`;
  }

  static parse(value: string): { wall: number; counter: number; node: string } {
    const [wall, counter, ...node] = value.split(':');
    const w = Number(wall);
    const c = Number(counter);
    if (!Number.isFinite(w) || !Number.isFinite(c) || node.length === 0) throw new Error(`Bad HLC timestamp: ${value}`);
    return { wall: w, counter: c, node: node.join(':') };
  }
}
