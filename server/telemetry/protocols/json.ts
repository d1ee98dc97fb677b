import type { Metric, StreamDecoder } from '../types.js';
import { createLineDecoder, reject, sample, type LineResult } from './lines.js';
import { metricName, metricUnit, parseDeviceTime } from './validate.js';

/**
 * Line-delimited JSON: one object per line. Accepted shapes (anything else is 'malformed'):
 *
 *   {"t": 1767225600000, "temperature": 21.5, "unit": "°C"}
 *     flat: every numeric top-level field is a metric; "unit" names the unit when there is exactly
 *     one metric; "units": {"temperature": "°C", "humidity": "%"} names them individually.
 *     Strings, booleans, nulls, arrays and nested objects are ignored (an "id" or "status" field).
 *   {"t": "2026-01-01T00:00:00Z", "metrics": {"temperature": {"value": 21.5, "unit": "°C"}, "humidity": 40}}
 *     explicit: each metric is {"value", "unit"?} or a bare number.
 *
 * The timestamp is "t", "ts" or "time": epoch ms, epoch seconds, or ISO-8601 with a zone; missing or
 * outside the sane range → the host's receive time. Names are lower-cased dotted names
 * (validate.ts); a metric with a bad name, a non-finite value or a bad unit is dropped and counted as
 * one 'malformed' rejection for the line, while the line's good metrics are kept.
 */

export const JSON_MAX_LINE = 4096;
const TIME_KEYS = new Set(['t', 'ts', 'time', 'timestamp']);
const RESERVED = new Set(['unit', 'units', 'metrics', ...TIME_KEYS]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseJsonLine(line: string, receivedAt: number): LineResult {
  // Only a rejection needs the line's size: not measured for the lines that decode.
  const bytesOf = () => Buffer.byteLength(line) + 1;
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return { frames: [], rejected: [reject('malformed', `not JSON: ${sample(line)}`, bytesOf())] };
  }
  if (!isObj(doc)) return { frames: [], rejected: [reject('malformed', `not a JSON object: ${sample(line)}`, bytesOf())] };

  let at = receivedAt;
  for (const key of TIME_KEYS) {
    if (key in doc) {
      at = parseDeviceTime(doc[key], receivedAt) ?? receivedAt;
      break;
    }
  }

  const candidates: Array<{ name: string; value: unknown; unit: unknown }> = [];
  if ('metrics' in doc) {
    if (!isObj(doc.metrics))
      return { frames: [], rejected: [reject('malformed', `"metrics" is not an object: ${sample(line)}`, bytesOf())] };
    for (const [name, m] of Object.entries(doc.metrics)) {
      if (isObj(m)) candidates.push({ name, value: m.value, unit: m.unit });
      else candidates.push({ name, value: m, unit: null });
    }
  } else {
    const units = isObj(doc.units) ? doc.units : {};
    for (const [name, value] of Object.entries(doc)) {
      if (RESERVED.has(name) || typeof value !== 'number') continue;
      candidates.push({ name, value, unit: units[name] ?? null });
    }
    if (candidates.length === 1 && candidates[0] && 'unit' in doc) candidates[0].unit = doc.unit;
  }

  const metrics: Metric[] = [];
  const problems: string[] = [];
  for (const c of candidates) {
    const name = metricName(c.name);
    const unit = metricUnit(c.unit);
    if (name === null) problems.push(`bad name ${JSON.stringify(c.name.slice(0, 20))}`);
    else if (typeof c.value !== 'number' || !Number.isFinite(c.value)) problems.push(`${name}: not a finite number`);
    else if (unit === undefined) problems.push(`${name}: bad unit`);
    else metrics.push({ name, value: c.value, unit });
  }
  const rejected =
    problems.length > 0 || metrics.length === 0
      ? [
          reject(
            'malformed',
            problems.length > 0 ? problems.join('; ') : `no metrics: ${sample(line)}`,
            metrics.length === 0 ? bytesOf() : 0,
          ),
        ]
      : [];
  return { frames: metrics.length > 0 ? [{ kind: 'metrics', at, metrics }] : [], rejected };
}

export function createJsonDecoder(opts: { maxLineLength?: number } = {}): StreamDecoder {
  return createLineDecoder(parseJsonLine, { maxLineLength: opts.maxLineLength ?? JSON_MAX_LINE });
}
