import type { EventsRunner } from '../excel/workbook.js';
import type { EventsPart } from '../excel/events-part.js';
import type { ExportScope } from '../excel/rows.js';
import type { EventsSheetMessage } from './protocol.js';
import { spawnReportWorker } from './spawn.js';

/**
 * Runs a workbook's Events sheet on a thread of its own (a worker started by the report worker,
 * with its own read-only connection): a year of a 100k-work-order depot is ~1M event rows, as long
 * to write as the rest of the workbook, so the two halves run side by side. Terminating the report
 * worker (a cancelled job) ends this one too.
 */
export function eventsSheetThread(dbFile: string, scope: ExportScope, zone: string): EventsRunner {
  return (file) => {
    const worker = spawnReportWorker({ mode: 'events-sheet', dbFile, scope, zone, file });
    const done = new Promise<EventsPart>((resolve, reject) => {
      worker.on('message', (m: EventsSheetMessage) => (m.type === 'events-done' ? resolve(m.part) : reject(new Error(m.message))));
      worker.on('error', reject);
      // After a result this rejection is ignored (a promise settles once).
      worker.on('exit', (code) => reject(new Error(`the events sheet thread stopped (exit code ${code})`)));
    });
    return {
      done,
      async cancel() {
        await worker.terminate();
      },
    };
  };
}
