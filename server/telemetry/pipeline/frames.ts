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

export function parseFrame(frame: unknown): TelemetryFrame | null {
  const parsed = FrameSchema.safeParse(frame);
  return parsed.success ? (parsed.data as TelemetryFrame) : null;
}
