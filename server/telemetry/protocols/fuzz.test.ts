import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createModbusSlave } from '../simulator/modbus-slave.js';
import type { StreamDecoder, TelemetryFrame } from '../types.js';
import { createCsvDecoder } from './csv.js';
import { createJsonDecoder } from './json.js';
import { createKvDecoder } from './kv.js';
import { buildReadRequest, crcOk, parseReadResponse, responseLengthSoFar, withCrc } from './modbus.js';
import { createNmeaDecoder, nmeaSentence } from './nmea.js';
import { feed } from './testing.js';

/**
 * Property tests over every decoder: arbitrary bytes in arbitrary chunks never throw and decode
 * the same however they are chunked; valid lines with garbage lines between them all still decode.
 */

const RUNS = Number(process.env.DEPOTDESK_FUZZ_RUNS ?? 1000);
const NOW = Date.UTC(2026, 0, 1);
let inputs = 0;
afterAll(() => console.log(`fuzz: ${inputs} inputs tried across all decoders (${RUNS} runs per property)`));

const chunkSizes = fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 12 });
/** Noise on a line of its own: random bytes then a newline (what a glitch between sentences looks like). */
const garbageLine = fc.uint8Array({ maxLength: 160 }).map((b) => Buffer.concat([Buffer.from(b), Buffer.from('\n')]));

type Valid = { line: string; check: (f: TelemetryFrame) => boolean };

// t, ts, time and timestamp are the documented timestamp keys, not metric names.
const name = fc
  .stringMatching(/^[a-z][a-z0-9_]{0,10}(\.[a-z][a-z0-9_]{0,6})?$/)
  .filter((n) => !['t', 'ts', 'time', 'timestamp'].includes(n));
const unit = fc.constantFrom('C', '°C', '%', 'bar', 'm3/h', 'kPa', 'A');
const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((v) => (Object.is(v, -0) ? 0 : v));

const nmeaLine: fc.Arbitrary<Valid> = fc
  .record({
    latD: fc.integer({ min: 0, max: 89 }),
    latM: fc.integer({ min: 0, max: 599_999 }),
    lonD: fc.integer({ min: 0, max: 179 }),
    lonM: fc.integer({ min: 0, max: 599_999 }),
    ns: fc.constantFrom('N', 'S'),
    ew: fc.constantFrom('E', 'W'),
    talker: fc.constantFrom('GP', 'GN', 'GL', 'GA', 'BD'),
    rmc: fc.boolean(),
    sec: fc.integer({ min: 0, max: 86_399 }),
  })
  .map((r) => {
    const lat = `${String(r.latD).padStart(2, '0')}${(r.latM / 10_000).toFixed(4).padStart(7, '0')}`;
    const lon = `${String(r.lonD).padStart(3, '0')}${(r.lonM / 10_000).toFixed(4).padStart(7, '0')}`;
    const tod = new Date(r.sec * 1000).toISOString().slice(11, 19).replace(/:/g, '');
    const body = r.rmc
      ? `${r.talker}RMC,${tod},A,${lat},${r.ns},${lon},${r.ew},12.5,270.0,150625,,,A`
      : `${r.talker}GGA,${tod},${lat},${r.ns},${lon},${r.ew},1,08,0.9,20.0,M,48.0,M,,`;
    const expLat = (r.latD + r.latM / 600_000) * (r.ns === 'S' ? -1 : 1);
    const expLon = (r.lonD + r.lonM / 600_000) * (r.ew === 'W' ? -1 : 1);
    return {
      line: nmeaSentence(body),
      check: (f: TelemetryFrame) => f.kind === 'position' && Math.abs(f.lat - expLat) < 1e-9 && Math.abs(f.lon - expLon) < 1e-9,
    };
  });

const metricsCheck = (expected: Array<[string, number, string | null]>) => (f: TelemetryFrame) =>
  f.kind === 'metrics' &&
  f.metrics.length === expected.length &&
  f.metrics.every((m, i) => m.name === expected[i]?.[0] && m.value === expected[i]?.[1] && m.unit === expected[i]?.[2]);

const jsonLine: fc.Arbitrary<Valid> = fc
  .uniqueArray(fc.tuple(name, value, unit), { minLength: 1, maxLength: 4, selector: (t) => t[0] })
  .map((ms) => ({
    line: JSON.stringify({ t: NOW - 1000, metrics: Object.fromEntries(ms.map(([n, v, u]) => [n, { value: v, unit: u }])) }),
    check: metricsCheck(ms),
  }));

const kvLine: fc.Arbitrary<Valid> = fc
  .uniqueArray(fc.tuple(name, value, unit), { minLength: 1, maxLength: 4, selector: (t) => t[0] })
  .map((ms) => ({
    line: ms.map(([n, v, u]) => `${n}=${v}${u}`).join(' '),
    check: metricsCheck(ms),
  }));

const CSV_COLUMNS = ['temperature[°C]', 'humidity[%]', 'flow[m3/h]'];
const csvLine: fc.Arbitrary<Valid> = fc.tuple(value, value, value).map((vs) => ({
  line: vs.join(','),
  check: metricsCheck([
    ['temperature', vs[0], '°C'],
    ['humidity', vs[1], '%'],
    ['flow', vs[2], 'm3/h'],
  ]),
}));

const decoders: Array<[string, () => StreamDecoder, fc.Arbitrary<Valid>]> = [
  ['nmea', () => createNmeaDecoder(), nmeaLine],
  ['json', () => createJsonDecoder(), jsonLine],
  ['kv', () => createKvDecoder(), kvLine],
  ['csv', () => createCsvDecoder({ columns: CSV_COLUMNS }), csvLine],
];

describe.each(decoders)('fuzz: %s decoder', (_label, make, valid) => {
  it('when arbitrary bytes arrive in arbitrary chunks, then it never throws and the result does not depend on the chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), chunkSizes, (bytes, sizes) => {
        inputs++;
        const whole = feed(make(), bytes, [bytes.length || 1], NOW);
        const chunked = feed(make(), bytes, sizes, NOW);
        expect(chunked).toEqual(whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('when valid lines arrive with garbage lines between them, in any chunking, then every valid line is decoded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(valid, fc.option(garbageLine, { nil: undefined }), fc.boolean()), { minLength: 1, maxLength: 12 }),
        chunkSizes,
        (items, sizes) => {
          inputs++;
          const parts: Buffer[] = [];
          for (const [v, garbage, crlf] of items) {
            if (garbage) parts.push(garbage);
            parts.push(Buffer.from(`${v.line}${crlf ? '\r\n' : '\n'}`));
          }
          const bytes = Buffer.concat(parts);
          const { frames } = feed(make(), bytes, sizes, NOW);
          // Each valid line's frame appears, in order (garbage may add frames of its own, never remove one).
          let next = 0;
          for (const f of frames) if (next < items.length && items[next]![0].check(f)) next++;
          expect(next).toBe(items.length);
          expect(feed(make(), bytes, [bytes.length], NOW)).toEqual(feed(make(), bytes, sizes, NOW));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

function feedSlave(slave: ReturnType<typeof createModbusSlave>, stream: Buffer, sizes: number[]): Buffer[] {
  const answers: Buffer[] = [];
  let i = 0;
  let k = 0;
  while (i < stream.length) {
    const n = sizes[k++ % sizes.length] as number;
    answers.push(...slave.onData(stream.subarray(i, i + n)));
    i += n;
  }
  return answers;
}

describe('fuzz: Modbus', () => {
  it('when arbitrary bytes are parsed as a response, then it never throws and only a CRC-valid frame is accepted', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 125 }), (bytes, count) => {
        inputs++;
        const req = { unitId: 1, fn: 3 as const, address: 0, count };
        const res = parseReadResponse(req, bytes);
        if (res.ok) expect(res.registers).toHaveLength(count);
        responseLengthSoFar(req, bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('when a valid response is damaged by one flipped bit, then it is rejected, never decoded wrong', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (regs, at, bit) => {
          inputs++;
          const body = Buffer.alloc(3 + regs.length * 2);
          body[0] = 1;
          body[1] = 3;
          body[2] = regs.length * 2;
          regs.forEach((r, i) => body.writeUInt16BE(r, 3 + 2 * i));
          const frame = withCrc(body);
          const req = { unitId: 1, fn: 3 as const, address: 0, count: regs.length };
          expect(parseReadResponse(req, frame)).toEqual({ ok: true, registers: regs });
          const i = at % frame.length;
          frame[i] = (frame[i] as number) ^ (1 << bit);
          expect(parseReadResponse(req, frame).ok).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('when a slave receives arbitrary bytes around valid requests in any chunking, then it never throws and every answer is a CRC-valid frame', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 0, max: 5 })), { maxLength: 8 }),
        chunkSizes,
        (items, sizes) => {
          inputs++;
          const slave = createModbusSlave({ unitId: 1, now: () => NOW });
          const stream = Buffer.concat(
            items.flatMap(([junk, addr]) => [Buffer.from(junk), buildReadRequest({ unitId: 1, fn: 3, address: addr, count: 1 })]),
          );
          const answers = feedSlave(slave, stream, sizes);
          for (const a of answers) expect(crcOk(a)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('when requests arrive back to back in any chunking, then the slave answers every one', () => {
    // Junk in between can, once in 65,536 windows, pass the CRC and swallow a request: real RTU
    // devices separate frames by silence, which a byte stream here cannot show, so no junk here.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }), chunkSizes, (addrs, sizes) => {
        inputs++;
        const slave = createModbusSlave({ unitId: 1, now: () => NOW });
        const stream = Buffer.concat(addrs.map((address) => buildReadRequest({ unitId: 1, fn: 3, address, count: 1 })));
        expect(feedSlave(slave, stream, sizes)).toHaveLength(addrs.length);
      }),
      { numRuns: RUNS },
    );
  });
});
