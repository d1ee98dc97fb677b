import { z } from 'zod';
import type { TelemetryFrame } from '../types.js';

/**
 * The serial side's frames are checked again at the seam (STYLE 8: every edge validated): a parser
 * bug must end up counted as "invalid", never as a NaN in the readings table or a crash.
 */
const EpochMs = z.number().int().min(0).max(8_640_000_000_000);
const Finite = z.number().refine(Number.isFinite, 'must be finite');

export const MetricSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'lower-case dotted name'),
  value: Finite,
  unit: z.string().max(20).nullable(),
});

export const FrameSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('position'),
    at: EpochMs,
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    speedKmh: Finite.min(0).nullable(),
    headingDeg: Finite.min(0).max(360).nullable(),
    fixQuality: z.number().int().min(0).max(9),
    satellites: z.number().int().min(0).nullable(),
    hdop: Finite.nullable(),
    altitudeM: Finite.nullable(),
  }),
  z.object({ kind: z.literal('metrics'), at: EpochMs, metrics: z.array(MetricSchema).min(1).max(256) }),
]);

const NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const MAX_EPOCH_MS = 8_640_000_000_000;

const isEpochMs = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_EPOCH_MS;
const isFinite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const finiteOrNull = (x: unknown, min = -Infinity, max = Infinity) => x === null || (isFinite(x) && x >= min && x <= max);
const isInt = (x: unknown, min: number, max: number) => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;

function isMetric(m: unknown): boolean {
  if (typeof m !== 'object' || m === null) return false;
  const { name, value, unit } = m as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    name.length >= 1 &&
    name.length <= 100 &&
    NAME.test(name) &&
    isFinite(value) &&
    (unit === null || (typeof unit === 'string' && unit.length <= 20))
  );
}

/**
 * FrameSchema's rules, checked by hand: this runs for every frame of every port (a flood is tens of
 * thousands a second) and zod's parse, which also copies the frame, was 7 % of the host's busy time
 * on the bench's flood. FrameSchema stays the definition; frames.test.ts checks both agree.
 */
export function isValidFrame(frame: unknown): frame is TelemetryFrame {
  if (typeof frame !== 'object' || frame === null) return false;
  const f = frame as Record<string, unknown>;
  if (!isEpochMs(f.at)) return false;
  if (f.kind === 'metrics') {
    const metrics = f.metrics;
    if (!Array.isArray(metrics) || metrics.length < 1 || metrics.length > 256) return false;
    for (const m of metrics) if (!isMetric(m)) return false;
    return true;
  }
  if (f.kind !== 'position') return false;
  return (
    typeof f.lat === 'number' &&
    f.lat >= -90 &&
    f.lat <= 90 &&
    typeof f.lon === 'number' &&
    f.lon >= -180 &&
    f.lon <= 180 &&
    finiteOrNull(f.speedKmh, 0) &&
    finiteOrNull(f.headingDeg, 0, 360) &&
    isInt(f.fixQuality, 0, 9) &&
    (f.satellites === null || isInt(f.satellites, 0, Number.MAX_SAFE_INTEGER)) &&
    finiteOrNull(f.hdop) &&
    finiteOrNull(f.altitudeM)
  );
}

/** The frame when it is valid (the same object: decoders build a fresh one per line), else null. */
export function parseFrame(frame: unknown): TelemetryFrame | null {
  return isValidFrame(frame) ? frame : null;
}
