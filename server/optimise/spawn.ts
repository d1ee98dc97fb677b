import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerInput } from './protocol.js';

const require = createRequire(import.meta.url);

/**
 * Starts an optimiser worker. The bundled host ships it as dist/host/optimise-worker.js beside
 * itself (scripts/build-host.mjs); from source (tests, `tsx`) the worker registers tsx first, as
 * worker threads do not inherit the parent's loader hooks (the same as server/reports/jobs/spawn.ts).
 */
export function spawnOptimiseWorker(input: WorkerInput): Worker {
  if (process.env.DEPOTDESK_BUNDLE_ENTRY) return new Worker(new URL('./optimise-worker.js', import.meta.url), { workerData: input });
  const tsx = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: input });
}
