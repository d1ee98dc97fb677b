import type { Sqlite } from '../../../db/client.js';
import { iterateEvents, type ExportScope } from './rows.js';
import { wallClockMs } from './wall-clock.js';
import { sheetPart, type Column } from './xlsx.js';
import type { Deflated } from './zip.js';

/**
 * The workbook's Events sheet: every event of the work orders on the Work orders sheet (created in
 * the period, in scope), in that sheet's order. A year of a big depot is a million rows, so the
 * report worker has this sheet built by a second thread (jobs/worker.ts, mode 'events-sheet') into
 * a part file while it writes the other sheets; the two take about as long as each other.
 */

/** Excel's hard limit is 1,048,576 rows per sheet; the events sheet stops short of it and says so. */
export const MAX_SHEET_ROWS = 1_000_000;

export const eventColumns = (zone: string): Column[] => [
  { header: 'Work order', width: 12 },
  { header: `Time (${zone})`, width: 18, style: 'date' },
  { header: 'Event', width: 18 },
  { header: 'From', width: 12 },
  { header: 'To', width: 12 },
  { header: 'By', width: 20 },
  { header: 'Details (JSON)', width: 60 },
];

export interface EventsPart {
  rows: number;
  deflated: Deflated;
}

export async function writeEventsPart(sqlite: Sqlite, scope: ExportScope, zone: string, file: string): Promise<EventsPart> {
  const at = wallClockMs(zone);
  const { sheet, done } = await sheetPart(file, eventColumns(zone));
  let rows = 0;
  for (const e of iterateEvents(sqlite, scope)) {
    if (rows >= MAX_SHEET_ROWS) {
      await sheet.row([`… stopped at ${MAX_SHEET_ROWS} events (Excel's row limit); narrow the period or filters for the rest.`]);
      break;
    }
    e[1] = at(e[1])!;
    const flushed = sheet.row(e);
    if (flushed) await flushed;
    rows += 1;
  }
  return { rows, deflated: await done() };
}
