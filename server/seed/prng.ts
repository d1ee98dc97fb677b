import { mulberry32 } from '../core/prng.js';

/**
 * A small seeded PRNG (mulberry32) so `--seed N` rebuilds the same depot. Math.random cannot be
 * seeded, and a demo that changes on every run makes screenshots and bug reports hard to compare.
 */
export class Prng {
  private readonly rand: () => number;

  constructor(seed: number) {
    this.rand = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rand();
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  real(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, w] of choices) {
      r -= w;
      if (r < 0) return value;
    }
    return (choices.at(-1) as readonly [T, number])[0];
  }

  /** `count` distinct items (or all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, Math.min(count, copy.length));
  }

  /** Roughly normal (Irwin–Hall of 4), for durations that cluster around a typical value. */
  around(mean: number, spread: number): number {
    const u = (this.next() + this.next() + this.next() + this.next() - 2) / 2;
    return mean + u * spread;
  }
}
