/**
 * Validation shared by the decoders: every number finite, every metric name a lower-case dotted
 * name, every device timestamp within a sane range (else the host's receive time is used instead).
 */

/** 2000-01-01T00:00:00Z: older device clocks are unset (or GPS week-rollover victims). */
export const MIN_DEVICE_TIME = Date.UTC(2000, 0, 1);
/** A device clock more than a day ahead of the host is wrong, not early. */
export const MAX_FUTURE_MS = 86_400_000;

export function isSaneTime(t: number, receivedAt: number): boolean {
  return Number.isFinite(t) && t >= MIN_DEVICE_TIME && t <= receivedAt + MAX_FUTURE_MS;
}

export function saneTime(t: number, receivedAt: number): number {
  return isSaneTime(t, receivedAt) ? Math.round(t) : receivedAt;
}

/**
 * A device timestamp: epoch ms, epoch seconds (< 1e11, i.e. before 1973 as ms), or an ISO-8601
 * string with a zone. Returns null when absent or not sane.
 */
export function parseDeviceTime(value: unknown, receivedAt: number): number | null {
  let t: number;
  if (typeof value === 'number') t = Math.abs(value) < 1e11 ? value * 1000 : value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value))
    t = Date.parse(value);
  else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return parseDeviceTime(Number(value), receivedAt);
  else return null;
  return isSaneTime(t, receivedAt) ? Math.round(t) : null;
}

export const METRIC_NAME = /^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$/;
export const MAX_NAME_LENGTH = 64;
export const MAX_UNIT_LENGTH = 16;

/** Lower-cases and checks a metric name; "-" becomes "_" (hum-in → hum_in). Null when not acceptable. */
export function metricName(raw: string): string | null {
  // A device sends the same few names on every line: remembered, a name costs one map lookup
  // instead of trim + lower-case + replace + regex (and the same string object is reused).
  const known = names.get(raw);
  if (known !== undefined) return known;
  const name = raw.trim().toLowerCase().replace(/-/g, '_');
  const result = name.length <= MAX_NAME_LENGTH && METRIC_NAME.test(name) ? name : null;
  if (raw.length <= MAX_NAME_LENGTH * 2) {
    // Bounded: a device inventing names cannot grow it past NAME_CACHE entries.
    if (names.size >= NAME_CACHE) names.clear();
    names.set(raw, result);
  }
  return result;
}

const NAME_CACHE = 4096;
const names = new Map<string, string | null>();

/** A unit as written ("°C", "%", "kPa", "m3/h"); empty → null; control characters or too long → undefined (invalid). */
export function metricUnit(raw: unknown): string | null | undefined {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string') return undefined;
  const unit = raw.trim();
  if (unit === '') return null;
  // eslint-disable-next-line no-control-regex -- units are printable
  if (unit.length > MAX_UNIT_LENGTH || /[\u0000-\u001f\u007f\s,;=]/.test(unit)) return undefined;
  return unit;
}

/** A decimal number in text ("21.5", "-3", "1e3"); null when not a finite number. */
export function parseNumber(raw: string): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}
