import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameSchema, isValidFrame } from './frames.js';

/**
 * The pipeline checks frames by hand (isValidFrame) for speed; FrameSchema is the definition. Both
 * must accept and refuse exactly the same frames, including the edges of every bound.
 */

const RUNS = Number(process.env.DEPOTDESK_FUZZ_RUNS ?? 2000);

// Numbers around every bound of the schema, plus the awkward ones.
const EDGES = [
  0,
  -0,
  -1,
  0.5,
  1,
  9,
  10,
  20,
  90,
  90.0001,
  -90,
  -90.0001,
  180,
  -180,
  180.5,
  360,
  360.1,
  8_640_000_000_000,
  8_640_000_000_001,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.NaN,
  Infinity,
  -Infinity,
  1.5e12,
];
const edgy = fc.oneof(fc.constantFrom(...EDGES), fc.double(), fc.integer());
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.constant(null), fc.constant(undefined), fc.constant('1'));
const name = fc.oneof(
  fc.stringMatching(/^[a-z0-9_]{1,8}(\.[a-z0-9_]{1,4})?$/),
  fc.constantFrom('', 'A', 'a..b', '.a', 'a.', 'x'.repeat(100), 'x'.repeat(101), 'temp-1'),
  fc.string(),
);
const unit = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 22 }), fc.constant(3));
const metric = fc.oneof(fc.record({ name, value: maybe(edgy), unit }), fc.constant(null), fc.constant([]), fc.constant('m'));

const validMetric = fc.record({
  name: fc.stringMatching(/^[a-z0-9_]{1,8}(\.[a-z0-9_]{1,4})?$/),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  unit: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 })),
});
const validAt = fc.integer({ min: 0, max: 8_640_000_000_000 });
const validMetrics = fc.record({
  kind: fc.constant('metrics'),
  at: validAt,
  metrics: fc.array(validMetric, { minLength: 1, maxLength: 4 }),
});
const validPosition = fc.record({
  kind: fc.constant('position'),
  at: validAt,
  lat: fc.double({ min: -90, max: 90, noNaN: true }),
  lon: fc.double({ min: -180, max: 180, noNaN: true }),
  speedKmh: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 400, noNaN: true })),
  headingDeg: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 360, noNaN: true })),
  fixQuality: fc.integer({ min: 0, max: 9 }),
  satellites: fc.oneof(fc.constant(null), fc.nat()),
  hdop: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
  altitudeM: fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true })),
});
/** A valid frame with one field (or one metric's field) replaced by an awkward value. */
const oneFieldOff = fc
  .tuple(fc.oneof(validMetrics, validPosition), fc.oneof(maybe(edgy), name, unit, metric), fc.nat(), fc.nat())
  .map(([frame, bad, i, j]) => {
    const f: Record<string, unknown> = { ...frame };
    const keys = Object.keys(f);
    const key = keys[i % keys.length]!;
    if (key === 'metrics' && Array.isArray(f.metrics) && j % 2 === 0) {
      const list = [...(f.metrics as Array<Record<string, unknown>>)];
      const m = { ...list[0] };
      m[['name', 'value', 'unit'][j % 3]!] = bad;
      list[0] = m;
      f.metrics = list;
    } else f[key] = bad;
    return f;
  });
const metricsFrame = fc.record({
  kind: fc.constantFrom('metrics', 'metric', 'position'),
  at: maybe(edgy),
  metrics: fc.oneof(fc.array(metric, { maxLength: 4 }), fc.constant(null), fc.constant({})),
});
const positionFrame = fc.record({
  kind: fc.constantFrom('position', 'metrics'),
  at: maybe(edgy),
  lat: maybe(edgy),
  lon: maybe(edgy),
  speedKmh: maybe(edgy),
  headingDeg: maybe(edgy),
  fixQuality: maybe(edgy),
  satellites: maybe(edgy),
  hdop: maybe(edgy),
  altitudeM: maybe(edgy),
});
const anything = fc.oneof(validMetrics, validPosition, oneFieldOff, oneFieldOff, metricsFrame, positionFrame, fc.anything());

describe('the hand-written frame check', () => {
  it('when any frame-like value is checked, then it is accepted exactly when FrameSchema accepts it', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anything, (f) => {
        const ok = isValidFrame(f);
        if (ok) accepted++;
        expect(ok).toBe(FrameSchema.safeParse(f).success);
      }),
      { numRuns: RUNS },
    );
    // The generators must reach the accepting side too, or the property says little.
    expect(accepted).toBeGreaterThan(RUNS / 100);
  });

  it('when one field of a valid frame is set to each edge value in turn, then both checks agree every time', () => {
    const position = {
      kind: 'position',
      at: 1,
      lat: 51.5,
      lon: -0.1,
      speedKmh: 3,
      headingDeg: 90,
      fixQuality: 1,
      satellites: 8,
      hdop: 1,
      altitudeM: 10,
    };
    const metrics = { kind: 'metrics', at: 1, metrics: [{ name: 'temperature', value: 21.5, unit: '°C' }] };
    const values: unknown[] = [...EDGES, null, undefined, '1', 'x'.repeat(20), 'x'.repeat(21), 'a.b', 'A', ''];
    let cases = 0;
    for (const base of [position, metrics] as Array<Record<string, unknown>>) {
      for (const key of Object.keys(base)) {
        for (const v of values) {
          const f = key === 'metrics' ? base : { ...base, [key]: v };
          expect(isValidFrame(f), `${String(base.kind)}.${key} = ${String(v)}`).toBe(FrameSchema.safeParse(f).success);
          cases++;
        }
      }
    }
    for (const field of ['name', 'value', 'unit']) {
      for (const v of values) {
        const f = { ...metrics, metrics: [{ ...metrics.metrics[0], [field]: v }] };
        expect(isValidFrame(f), `metric.${field} = ${String(v)}`).toBe(FrameSchema.safeParse(f).success);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(400);
  });

  it('when a long array of metrics is checked, then 256 pass and 257 do not, like the schema', () => {
    const frame = (n: number) => ({
      kind: 'metrics',
      at: 1,
      metrics: Array.from({ length: n }, () => ({ name: 'a', value: 1, unit: null })),
    });
    for (const n of [0, 1, 256, 257]) expect(isValidFrame(frame(n))).toBe(FrameSchema.safeParse(frame(n)).success);
  });
});
