import type { EventsPart } from '../excel/events-part.js';
import type { ExportScope } from '../excel/rows.js';
import type { KpiQuery, KpiReport } from '../kpi-types.js';
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

/**
 * The same worker entry, started long-lived to answer GET /reports/kpis off the host's event loop
 * (server/reports/kpi/pool.ts): one request at a time, in arrival order.
 */
export interface KpiWorkerInput {
  mode: 'kpi';
  dbFile: string;
}

export interface KpiRequest {
  id: number;
  query: KpiQuery;
}

export type KpiResponse =
  { id: number; ok: true; report: KpiReport; ms: number } | { id: number; ok: false; name: string; message: string };

/** Started by a workbook build: writes the Events sheet into `file` and answers once. */
export interface EventsSheetInput {
  mode: 'events-sheet';
  dbFile: string;
  scope: ExportScope;
  zone: string;
  file: string;
}

export type EventsSheetMessage = { type: 'events-done'; part: EventsPart } | { type: 'error'; message: string };
