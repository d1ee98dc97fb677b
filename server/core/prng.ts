/**
 * mulberry32: a small seeded PRNG, the same sequence for the same seed on every machine. Math.random
 * cannot be seeded, and the demo (`--seed N`), simulated sensors and the sync fault proxy all need a
 * run that can be replayed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
