import ExcelJS from 'exceljs';
import type { Sqlite } from '../../../db/client.js';
import { slaState } from '../../sla/engine.js';
import type { KpiReport, KpiRow, KpiSummary } from '../kpi-types.js';
import { iterateEvents, iterateWorkOrders, countWorkOrders, type ExportScope, type WorkOrderExportRow } from './rows.js';

/**
 * The manager's workbook, written with exceljs's streaming writer: each row is committed to the
 * zip as it is made, so 100k work orders cost the same memory as 100. Dates are real Date cells
 * showing the depot's wall-clock time (Excel dates have no zone; the header names it).
 */

export type Progress = (fraction: number, message: string) => void;

/** Excel's hard limit is 1,048,576 rows per sheet; the events sheet stops short of it and says so. */
export const MAX_SHEET_ROWS = 1_000_000;
const CELL_TEXT_MAX = 32_000;

/** Epoch ms → a Date whose UTC fields are the wall-clock time in `zone` (what Excel shows). */
export function wallClock(zone: string): (ms: number | null) => Date | null {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23' });
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - (ms - (ms % 1000));
  };
  // Offsets change a few times a year, so they are cached per hour (formatting every cell took most
  // of the sheet's time). An hour in which the offset changes is not cached: its cells are exact too.
  const offsets = new Map<number, number | null>();
  return (ms) => {
    if (ms === null) return null;
    const hour = Math.floor(ms / 3_600_000);
    let off = offsets.get(hour);
    if (off === undefined) {
      const start = offsetAt(hour * 3_600_000);
      off = start === offsetAt(hour * 3_600_000 + 3_599_000) ? start : null;
      if (offsets.size > 100_000) offsets.clear();
      offsets.set(hour, off);
    }
    return new Date(ms + (off ?? offsetAt(ms)));
  };
}

const DATE_FMT = 'yyyy-mm-dd hh:mm';
const PCT_FMT = '0.0%';

type Col = Partial<ExcelJS.Column> & { header: string; key: string; width: number };

function sheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: Col[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }] });
  ws.columns = columns;
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  return ws;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function writeWorkbook(
  file: string,
  input: { sqlite: Sqlite; scope: ExportScope; report: KpiReport; now: number },
  progress: Progress = () => {},
): Promise<{ workOrders: number; events: number }> {
  const zone = input.report.query.zone;
  const at = wallClock(zone);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  wb.creator = 'DepotDesk';
  wb.created = new Date(input.now);
  const total = Math.max(1, countWorkOrders(input.sqlite, input.scope));

  const when = (label: string) => `${label} (${zone})`;
  const wo = sheet(wb, 'Work orders', [
    { header: 'Number', key: 'number', width: 12 }, { header: 'Title', key: 'title', width: 40 }, { header: 'Type', key: 'type', width: 12 },
    { header: 'Priority', key: 'priority', width: 10 }, { header: 'Status', key: 'status', width: 12 }, { header: 'SLA state', key: 'sla', width: 10 },
    { header: 'Depot', key: 'depot', width: 10 }, { header: 'Location', key: 'location', width: 28 }, { header: 'Asset', key: 'asset', width: 24 },
    { header: 'Project', key: 'project', width: 20 }, { header: 'Team', key: 'team', width: 18 }, { header: 'Assignee', key: 'assignee', width: 20 },
    ...(['plannedStart', 'plannedEnd'] as const).map((k) => ({ header: when(k === 'plannedStart' ? 'Planned start' : 'Planned end'), key: k, width: 18, style: { numFmt: DATE_FMT } })),
    { header: 'Planned duration (min)', key: 'durationMin', width: 12 },
    ...([['responseDueAt', 'Response due'], ['responseAtRiskAt', 'Response at risk'], ['resolutionDueAt', 'Resolution due'], ['resolutionAtRiskAt', 'Resolution at risk'],
      ['respondedAt', 'Responded (on site)'], ['completedAt', 'Completed'], ['closedAt', 'Closed'], ['cancelledAt', 'Cancelled'], ['onHoldSince', 'On hold since']] as const)
      .map(([key, label]) => ({ header: when(label), key, width: 18, style: { numFmt: DATE_FMT } })),
    { header: 'Held from status', key: 'heldFromStatus', width: 12 }, { header: 'Hold reason', key: 'holdReason', width: 24 },
    { header: 'SLA paused (min)', key: 'slaPausedMin', width: 10, style: { numFmt: '0.0' } }, { header: 'Requires signature', key: 'requiresSignature', width: 10 },
    { header: 'Created by', key: 'createdBy', width: 18 }, { header: when('Created'), key: 'createdAt', width: 18, style: { numFmt: DATE_FMT } },
    { header: when('Updated'), key: 'updatedAt', width: 18, style: { numFmt: DATE_FMT } }, { header: 'Version', key: 'version', width: 8 },
    { header: 'Description', key: 'description', width: 50 }, { header: 'Id', key: 'id', width: 38 },
  ]);
  let n = 0;
  for (const r of iterateWorkOrders(input.sqlite, input.scope)) {
    wo.addRow(workOrderCells(r, at, input.now)).commit();
    if (++n % 1000 === 0) {
      progress((n / total) * 0.6, `work orders ${n} / ${total}`);
      await tick();
    }
  }
  wo.commit();

  const ev = sheet(wb, 'Events', [
    { header: 'Work order', key: 'number', width: 12 }, { header: when('Time'), key: 'at', width: 18, style: { numFmt: DATE_FMT } },
    { header: 'Event', key: 'type', width: 18 }, { header: 'From', key: 'fromStatus', width: 12 }, { header: 'To', key: 'toStatus', width: 12 },
    { header: 'By', key: 'actor', width: 20 }, { header: 'Details (JSON)', key: 'data', width: 60 },
  ]);
  let events = 0;
  for (const e of iterateEvents(input.sqlite, input.scope)) {
    if (events >= MAX_SHEET_ROWS) {
      ev.addRow({ number: `… stopped at ${MAX_SHEET_ROWS} events (Excel's row limit); narrow the period or filters for the rest.` }).commit();
      break;
    }
    ev.addRow({ ...e, at: at(e.at), data: e.data && e.data.length > CELL_TEXT_MAX ? `${e.data.slice(0, CELL_TEXT_MAX)}…` : e.data }).commit();
    if (++events % 2000 === 0) {
      progress(0.6 + Math.min(0.3, (events / (total * 8)) * 0.3), `events ${events}`);
      await tick();
    }
  }
  ev.commit();

  progress(0.92, 'KPIs');
  const k = sheet(wb, 'KPIs', kpiColumns());
  k.addRow(kpiCells('depot', 'Whole selection', input.report.summary)).commit();
  for (const row of [...input.report.byDimension.team, ...input.report.byDimension.technician]) k.addRow(kpiCells(row.dimension, row.label, row)).commit();
  k.commit();

  const b = sheet(wb, 'SLA breaches', [
    { header: 'Work order', key: 'number', width: 12 }, { header: 'Title', key: 'title', width: 40 }, { header: 'Team', key: 'teamName', width: 18 },
    { header: 'Technician', key: 'assigneeName', width: 20 }, { header: 'SLA', key: 'kind', width: 11 },
    { header: when('Due'), key: 'dueAt', width: 18, style: { numFmt: DATE_FMT } }, { header: when('Met'), key: 'metAt', width: 18, style: { numFmt: DATE_FMT } },
    { header: 'Late by (min)', key: 'lateByMin', width: 12 }, { header: 'Reasons', key: 'reasons', width: 60 },
  ]);
  for (const x of input.report.breached) {
    b.addRow({ ...x, dueAt: at(x.dueAt), metAt: at(x.metAt), reasons: x.reasons.join('; ') }).commit();
  }
  const breachedTotal = input.report.breachedTotal ?? input.report.breached.length;
  if (breachedTotal > input.report.breached.length) {
    b.addRow({ number: `… ${breachedTotal - input.report.breached.length} more breaches not listed (the most late are shown); filter the Work orders sheet on SLA state = breached for all.` }).commit();
  }
  b.commit();
  progress(0.97, 'writing file');
  await wb.commit();
  return { workOrders: n, events };
}

function workOrderCells(r: WorkOrderExportRow, at: (ms: number | null) => Date | null, now: number) {
  return {
    ...r,
    sla: slaState(r as Parameters<typeof slaState>[0], now) ?? '',
    plannedStart: at(r.plannedStart), plannedEnd: at(r.plannedEnd), responseDueAt: at(r.responseDueAt), responseAtRiskAt: at(r.responseAtRiskAt),
    resolutionDueAt: at(r.resolutionDueAt), resolutionAtRiskAt: at(r.resolutionAtRiskAt), respondedAt: at(r.respondedAt), completedAt: at(r.completedAt),
    closedAt: at(r.closedAt), cancelledAt: at(r.cancelledAt), onHoldSince: at(r.onHoldSince), createdAt: at(r.createdAt), updatedAt: at(r.updatedAt),
    slaPausedMin: r.slaPausedMs / 60_000, requiresSignature: r.requiresSignature ? 'yes' : 'no',
  };
}

function kpiColumns(): Col[] {
  const pct = (key: string, header: string): Col => ({ header, key, width: 11, style: { numFmt: PCT_FMT } });
  return [
    { header: 'Name', key: 'label', width: 26 }, { header: 'Level', key: 'dimension', width: 11 },
    { header: 'Created', key: 'created', width: 9 }, { header: 'Completed', key: 'completed', width: 10 }, { header: 'Cancelled', key: 'cancelled', width: 10 },
    { header: 'Backlog', key: 'backlog', width: 9 }, { header: 'Backlog mean age (h)', key: 'backlogAgeMeanH', width: 12, style: { numFmt: '0.0' } },
    { header: 'Overdue', key: 'overdue', width: 9 }, pct('onTime', 'On-time completion'), pct('slaResponse', 'SLA response met'),
    pct('slaResolution', 'SLA resolution met'), { header: 'Mean time to respond (h)', key: 'mttrRespondH', width: 12, style: { numFmt: '0.0' } },
    { header: 'Mean time to repair (h)', key: 'mttrRepairH', width: 12, style: { numFmt: '0.0' } }, pct('firstTimeFix', 'First-time fix'),
    { header: 'Planned (min)', key: 'plannedMin', width: 11 }, { header: 'Actual (min)', key: 'actualMin', width: 11 }, pct('utilisation', 'Utilisation'),
  ];
}

function kpiCells(dimension: KpiRow['dimension'] | 'depot', label: string, s: KpiSummary) {
  return {
    ...s, label, dimension,
    onTime: s.onTime.value, slaResponse: s.slaResponse.value, slaResolution: s.slaResolution.value, firstTimeFix: s.firstTimeFix.value, utilisation: s.utilisation.value,
  };
}
