import { parentPort, workerData } from 'node:worker_threads';
import { buildProposal } from './explain.js';
import type { WorkerInput, WorkerMessage } from './protocol.js';
import { solve } from './solver.js';

/**
 * The optimiser's worker thread: a pure CPU job on plain data (no database), so the host's event
 * loop keeps serving while it runs. Cancelling is `worker.terminate()` by the host.
 */
const input = workerData as WorkerInput;
const post = (m: WorkerMessage) => parentPort?.postMessage(m);

try {
  let lastSent = 0;
  const result = solve(input.instance, {
    seed: input.seed,
    onProgress: (fraction, bestCost) => {
      const now = performance.now();
      // The host keeps the latest only; a few a second is plenty for a progress bar.
      if (now - lastSent < 100 && fraction < 1) return;
      lastSent = now;
      post({ type: 'progress', progress: Math.min(0.99, fraction), message: `Searching (plan cost ${Math.round(bestCost)})` });
    },
  });
  post({ type: 'done', proposal: buildProposal(input.instance, result, input.assumedShifts) });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
}
