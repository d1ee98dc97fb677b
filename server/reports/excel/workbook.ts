import fs from 'node:fs';
import type { Sqlite } from '../../../db/client.js';
import { slaState } from '../../sla/engine.js';
import type { KpiReport, KpiRow, KpiSummary } from '../kpi-types.js';
import { eventColumns, writeEventsPart, type EventsPart } from './events-part.js';
import { iterateWorkOrders, countWorkOrders, type ExportScope } from './rows.js';
import { excelDateFormat, wallClockMs } from './wall-clock.js';
import { localeForZone } from '../../depots/contract-locale.js';
import { XlsxWriter, type CellValue, type Column } from './xlsx.js';

/**
 * The manager's workbook, streamed row by row into the zip (server/reports/excel/xlsx.ts), so 100k
 * work orders cost the same memory as 100. Dates are real date cells showing the depot's
 * wall-clock time (Excel dates have no zone; the header names it).
 */

export type Progress = (fraction: number, message: string) => void;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Builds the Events sheet into a part file; the report worker runs it on a second thread. */
export type EventsRunner = (partFile: string) => { done: Promise<EventsPart>; cancel: () => Promise<void> };

export interface WorkbookInput {
  sqlite: Sqlite;
  scope: ExportScope;
  zone: string;
  /** The depot's locale: how date cells read (their values are the same in any locale). */
  locale?: string;
  now: number;
  /** Called once the Work orders sheet is written (while the Events sheet is still being built elsewhere). */
  report: () => KpiReport;
  /** Default: in this thread, before anything else. */
  events?: EventsRunner;
}

export async function writeWorkbook(
  file: string,
  input: WorkbookInput,
  progress: Progress = () => {},
): Promise<{ workOrders: number; events: number }> {
  const zone = input.zone;
  const at = wallClockMs(zone);
  const partFile = `${file}.events.part`;
  const runner: EventsRunner =
    input.events ?? ((f) => ({ done: writeEventsPart(input.sqlite, input.scope, zone, f), cancel: async () => {} }));
  const events = runner(partFile);
  // Settled later; a failure meanwhile must not surface as an unhandled rejection.
  events.done.catch(() => {});
  const wb = XlsxWriter.open(file, {
    creator: 'DepotDesk',
    created: new Date(input.now),
    dateFormat: excelDateFormat(input.locale ?? localeForZone(zone)),
  });
  try {
    const total = Math.max(1, countWorkOrders(input.sqlite, input.scope));
    const when = (label: string) => `${label} (${zone})`;
    const date = (header: string): Column => ({ header: when(header), width: 18, style: 'date' });

    const wo = await wb.sheet('Work orders', [
      { header: 'Number', width: 12 },
      { header: 'Title', width: 40 },
      { header: 'Type', width: 12 },
      { header: 'Priority', width: 10 },
      { header: 'Status', width: 12 },
      { header: 'SLA state', width: 10 },
      { header: 'Depot', width: 10 },
      { header: 'Location', width: 28 },
      { header: 'Asset', width: 24 },
      { header: 'Project', width: 20 },
      { header: 'Team', width: 18 },
      { header: 'Assignee', width: 20 },
      date('Planned start'),
      date('Planned end'),
      { header: 'Planned duration (min)', width: 12 },
      date('Response due'),
      date('Response at risk'),
      date('Resolution due'),
      date('Resolution at risk'),
      date('Responded (on site)'),
      date('Completed'),
      date('Closed'),
      date('Cancelled'),
      date('On hold since'),
      { header: 'Held from status', width: 12 },
      { header: 'Hold reason', width: 24 },
      { header: 'SLA paused (min)', width: 10, style: 'dec1' },
      { header: 'Requires signature', width: 10 },
      { header: 'Created by', width: 18 },
      date('Created'),
      date('Updated'),
      { header: 'Version', width: 8 },
      { header: 'Description', width: 50 },
      { header: 'Id', width: 38 },
    ]);
    let n = 0;
    for (const r of iterateWorkOrders(input.sqlite, input.scope)) {
      // Awaited only when a buffer went to deflate (see SheetWriter.row).
      const flushed = wo.row([
        r.number,
        r.title,
        r.type,
        r.priority,
        r.status,
        slaState(r as Parameters<typeof slaState>[0], input.now) ?? '',
        r.depot,
        r.location,
        r.asset,
        r.project,
        r.team,
        r.assignee,
        at(r.plannedStart),
        at(r.plannedEnd),
        r.durationMin,
        at(r.responseDueAt),
        at(r.responseAtRiskAt),
        at(r.resolutionDueAt),
        at(r.resolutionAtRiskAt),
        at(r.respondedAt),
        at(r.completedAt),
        at(r.closedAt),
        at(r.cancelledAt),
        at(r.onHoldSince),
        r.heldFromStatus,
        r.holdReason,
        r.slaPausedMs / 60_000,
        r.requiresSignature ? 'yes' : 'no',
        r.createdBy,
        at(r.createdAt),
        at(r.updatedAt),
        r.version,
        r.description,
        r.id,
      ]);
      if (flushed) await flushed;
      if (++n % 5000 === 0) {
        progress((n / total) * 0.5, `work orders ${n} / ${total}`);
        await tick();
      }
    }
    await wb.endSheet();

    progress(0.5, 'KPIs');
    const report = input.report();
    progress(0.7, 'events');
    const part = await events.done;
    await wb.addSheetPart('Events', eventColumns(zone).length, partFile, part.deflated);

    progress(0.9, 'KPI sheets');
    const k = await wb.sheet('KPIs', kpiColumns());
    await k.row(kpiCells('depot', 'Whole selection', report.summary));
    for (const row of [...report.byDimension.team, ...report.byDimension.technician]) await k.row(kpiCells(row.dimension, row.label, row));
    await wb.endSheet();

    const b = await wb.sheet('SLA breaches', [
      { header: 'Work order', width: 12 },
      { header: 'Title', width: 40 },
      { header: 'Team', width: 18 },
      { header: 'Technician', width: 20 },
      { header: 'SLA', width: 11 },
      date('Due'),
      date('Met'),
      { header: 'Late by (min)', width: 12 },
      { header: 'Reasons', width: 60 },
    ]);
    for (const x of report.breached) {
      await b.row([x.number, x.title, x.teamName, x.assigneeName, x.kind, at(x.dueAt), at(x.metAt), x.lateByMin, x.reasons.join('; ')]);
    }
    const breachedTotal = report.breachedTotal ?? report.breached.length;
    if (breachedTotal > report.breached.length) {
      await b.row([
        `… ${breachedTotal - report.breached.length} more breaches not listed (the most late are shown); filter the Work orders sheet on SLA state = breached for all.`,
      ]);
    }
    progress(0.97, 'writing file');
    await wb.close();
    return { workOrders: n, events: part.rows };
  } catch (err) {
    wb.destroy();
    await events.cancel();
    throw err;
  } finally {
    fs.rmSync(partFile, { force: true });
  }
}

function kpiColumns(): Column[] {
  const pct = (header: string): Column => ({ header, width: 11, style: 'pct' });
  const dec = (header: string): Column => ({ header, width: 12, style: 'dec1' });
  return [
    { header: 'Name', width: 26 },
    { header: 'Level', width: 11 },
    { header: 'Created', width: 9 },
    { header: 'Completed', width: 10 },
    { header: 'Cancelled', width: 10 },
    { header: 'Backlog', width: 9 },
    dec('Backlog mean age (h)'),
    { header: 'Overdue', width: 9 },
    pct('On-time completion'),
    pct('SLA response met'),
    pct('SLA resolution met'),
    dec('Mean time to respond (h)'),
    dec('Mean time to repair (h)'),
    pct('First-time fix'),
    { header: 'Planned (min)', width: 11 },
    { header: 'Actual (min)', width: 11 },
    pct('Utilisation'),
  ];
}

function kpiCells(dimension: KpiRow['dimension'] | 'depot', label: string, s: KpiSummary): CellValue[] {
  return [
    label,
    dimension,
    s.created,
    s.completed,
    s.cancelled,
    s.backlog,
    s.backlogAgeMeanH,
    s.overdue,
    s.onTime.value,
    s.slaResponse.value,
    s.slaResolution.value,
    s.mttrRespondH,
    s.mttrRepairH,
    s.firstTimeFix.value,
    s.plannedMin,
    s.actualMin,
    s.utilisation.value,
  ];
}
