import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventsSheetInput, KpiWorkerInput, WorkerInput } from './protocol.js';

const require = createRequire(import.meta.url);

/**
 * Starts a report worker. The bundled host ships it as dist/host/report-worker.js beside itself
 * (scripts/build-host.mjs); from source (tests, `tsx`) the worker first registers tsx so it can
 * load the TypeScript entry — worker threads do not inherit the parent's loader hooks.
 */
/**
 * A smaller young generation than V8's default: report threads churn through short-lived row
 * strings, and a big nursery is resident memory (measured on the 100k-work-order workbook: peak
 * host RSS growth 271 → 218 MB, same build time).
 */
const resourceLimits = { maxYoungGenerationSizeMb: 8 };

export function spawnReportWorker(input: WorkerInput | KpiWorkerInput | EventsSheetInput): Worker {
  if (process.env.DEPOTDESK_BUNDLE_ENTRY) {
    return new Worker(new URL('./report-worker.js', import.meta.url), { workerData: input, resourceLimits });
  }
  const tsx = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: input, resourceLimits });
}
