import type { Metric, StreamDecoder } from '../types.js';
import { createLineDecoder, reject, sample, type LineResult } from './lines.js';
import { metricName, metricUnit, parseDeviceTime, parseNumber } from './validate.js';

/**
 * `key=value` lines: `temp=21.5C hum=40% pump.pressure=2.1bar`. Pairs are separated by spaces,
 * tabs, commas or semicolons; a value is a decimal number followed by an optional unit, which is
 * kept as written ("C", "°C", "%", "bar"). "t", "ts" or "time" is the device timestamp (epoch ms,
 * epoch s or ISO-8601). Pairs whose value is not a number (`status=ok`) are ignored; a pair with a
 * bad name or unit, or a token without "=", makes the line count one 'malformed' rejection while
 * the good pairs are kept. A line with no metric at all is 'malformed'.
 */

export const KV_MAX_LINE = 1024;
const TIME_KEYS = new Set(['t', 'ts', 'time', 'timestamp']);
const VALUE = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(.*)$/;

export function parseKvLine(line: string, receivedAt: number): LineResult {
  const bytes = Buffer.byteLength(line) + 1;
  const metrics: Metric[] = [];
  const problems: string[] = [];
  let at = receivedAt;
  for (const token of line.split(/[\s,;]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq <= 0) {
      problems.push(`not key=value: ${sample(token)}`);
      continue;
    }
    const key = token.slice(0, eq);
    const raw = token.slice(eq + 1);
    if (TIME_KEYS.has(key.toLowerCase())) {
      at = parseDeviceTime(raw, receivedAt) ?? receivedAt;
      continue;
    }
    const m = VALUE.exec(raw);
    if (!m) continue; // a text value such as status=ok: not a metric, not an error
    const name = metricName(key);
    const value = parseNumber(m[1] ?? '');
    const unit = metricUnit(m[2] ?? '');
    if (name === null) problems.push(`bad name ${sample(key)}`);
    else if (value === null) problems.push(`${name}: not a finite number`);
    else if (unit === undefined) problems.push(`${name}: bad unit`);
    else metrics.push({ name, value, unit });
  }
  const rejected =
    problems.length > 0 || metrics.length === 0
      ? [reject('malformed', problems.length > 0 ? problems.join('; ') : `no metrics: ${sample(line)}`, metrics.length === 0 ? bytes : 0)]
      : [];
  return { frames: metrics.length > 0 ? [{ kind: 'metrics', at, metrics }] : [], rejected };
}

export function createKvDecoder(opts: { maxLineLength?: number } = {}): StreamDecoder {
  return createLineDecoder(parseKvLine, { maxLineLength: opts.maxLineLength ?? KV_MAX_LINE });
}
