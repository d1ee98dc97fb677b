import type { BuildSpec } from './build.js';

/** Messages between the host and a report worker (structured-cloned across the thread boundary). */

export interface WorkerInput {
  dbFile: string;
  dataDir: string;
  spec: BuildSpec;
  /** Where the worker writes; the host renames it into place only when the build succeeded. */
  tmpFile: string;
}

export type WorkerMessage =
  | { type: 'progress'; progress: number; message: string }
  | { type: 'done'; sizeBytes: number; ms: number; peakRss: number; peakHeap: number }
  | { type: 'error'; message: string };
