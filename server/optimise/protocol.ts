import type { OptimiseProposal } from './contract.js';
import type { Instance } from './instance.js';

/** Messages between the host and an optimiser worker thread. */

export interface WorkerInput {
  instance: Instance;
  assumedShifts: string[];
  seed: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: number; message: string }
  | { type: 'done'; proposal: OptimiseProposal }
  | { type: 'failed'; message: string };
