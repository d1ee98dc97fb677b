import { mulberry32 } from '../../core/prng.js';

/** A seeded PRNG so simulated streams are reproducible in tests. */
export const seeded = mulberry32;

/** Roughly normal noise (sum of uniforms), mean 0, standard deviation ≈ sd. */
export function noise(rand: () => number, sd: number): number {
  return (rand() + rand() + rand() + rand() - 2) * sd * Math.sqrt(3);
}
