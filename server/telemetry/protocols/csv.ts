import type { Metric, StreamDecoder } from '../types.js';
import { createLineDecoder, reject, sample, type LineResult } from './lines.js';
import { metricName, metricUnit, parseDeviceTime, parseNumber } from './validate.js';

/**
 * CSV lines with a header. The header is either configured (`columns`) or the first line whose
 * fields are all names (no numbers); a later all-names line with as many columns replaces it (a
 * logger that restarts prints its header again). A column is `name`, `name[unit]` or `name (unit)`; a column named t, ts,
 * time or timestamp is the device timestamp. Empty cells are skipped; a non-numeric cell or a row
 * with the wrong number of fields is 'malformed' (the whole row: the columns cannot be trusted).
 * Rows before any header are 'malformed'. No quoting: sensor CSV carries numbers.
 */

export const CSV_MAX_LINE = 2048;
const TIME_KEYS = new Set(['t', 'ts', 'time', 'timestamp']);

export interface CsvOptions {
  /** Column names (with optional units) when the device prints no header. */
  columns?: string[];
  delimiter?: ',' | ';' | '\t';
  maxLineLength?: number;
}

interface Column {
  kind: 'time' | 'metric' | 'skip';
  name: string;
  unit: string | null;
}

function parseHeader(fields: string[]): Column[] | null {
  const cols: Column[] = [];
  for (const field of fields) {
    const m = /^\s*([^[(]+?)\s*(?:[[(]\s*([^\])]*?)\s*[\])])?\s*$/.exec(field);
    if (!m) return null;
    const rawName = m[1] ?? '';
    if (TIME_KEYS.has(rawName.toLowerCase())) {
      cols.push({ kind: 'time', name: 't', unit: null });
      continue;
    }
    const name = metricName(rawName);
    const unit = metricUnit(m[2] ?? null);
    if (name === null || unit === undefined) return null;
    cols.push({ kind: 'metric', name, unit });
  }
  return cols;
}

export function createCsvLineParser(opts: CsvOptions = {}): (line: string, receivedAt: number) => LineResult {
  const delimiter = opts.delimiter ?? ',';
  let header: Column[] | null = opts.columns ? parseHeader(opts.columns) : null;
  if (opts.columns && header === null) throw new Error(`bad CSV column names: ${opts.columns.join(',')}`);

  return (line, receivedAt) => {
    const bytes = Buffer.byteLength(line) + 1;
    const bad = (why: string): LineResult => ({ frames: [], rejected: [reject('malformed', `${why}: ${sample(line)}`, bytes)] });
    const fields = line.split(delimiter).map((f) => f.trim());
    const looksLikeHeader = fields.every((f) => f !== '' && parseNumber(f) === null);
    if (looksLikeHeader && !opts.columns) {
      const parsed = parseHeader(fields);
      if (parsed === null) return bad('bad CSV header');
      // A logger that restarts prints the same header again; a line of noise that merely looks like
      // a header must not replace it (every later row would be lost).
      if (header !== null && parsed.length !== header.length) return bad('header with a different column count');
      header = parsed;
      return { frames: [], rejected: [] };
    }
    if (header === null) return bad('CSV row before a header');
    if (fields.length !== header.length) return bad(`expected ${header.length} fields, got ${fields.length}`);
    let at = receivedAt;
    const metrics: Metric[] = [];
    for (let i = 0; i < fields.length; i++) {
      const col = header[i] as Column;
      const cell = fields[i] as string;
      if (cell === '') continue;
      if (col.kind === 'time') {
        at = parseDeviceTime(cell, receivedAt) ?? receivedAt;
        continue;
      }
      const value = parseNumber(cell);
      if (value === null) return bad(`${col.name}: not a number`);
      metrics.push({ name: col.name, value, unit: col.unit });
    }
    if (metrics.length === 0) return bad('no values');
    return { frames: [{ kind: 'metrics', at, metrics }], rejected: [] };
  };
}

export function createCsvDecoder(opts: CsvOptions = {}): StreamDecoder {
  return createLineDecoder(createCsvLineParser(opts), { maxLineLength: opts.maxLineLength ?? CSV_MAX_LINE });
}
