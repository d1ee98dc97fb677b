import { describe, expect, it } from 'vitest';
import type { TelemetryFrame } from '../types.js';
import { captureBytes, fixtureNames, oracle } from './gpsd-oracle.js';
import { createNmeaDecoder, createNmeaLineParser } from './nmea.js';

type Position = Extract<TelemetryFrame, { kind: 'position' }>;
const names = fixtureNames();
const RECEIVED_AT = Date.UTC(2030, 0, 1);

describe.skipIf(names.length === 0)('NMEA decoder against gpsd captures', () => {
  const totals = { sentences: 0, positions: 0, compared: 0, speedCompared: 0, timeCompared: 0, noFixCompared: 0 };

  it.each(names)('when %s is decoded, then positions, speed, course, time and mode match gpsd', (name) => {
    const parse = createNmeaLineParser();
    for (const entry of oracle(name)) {
      totals.sentences++;
      const { frames } = parse(entry.sentence, RECEIVED_AT);
      const type = /^\$..(GGA|RMC),/.exec(entry.sentence)?.[1];
      const tpv = entry.tpv.at(-1);
      const pos = frames[0] as Position | undefined;
      if (pos) totals.positions++;
      if (!type || !tpv) continue;
      if (!pos) {
        // No fix for us: gpsd must not have taken a position from this sentence either.
        totals.noFixCompared++;
        expect(
          tpv.mode >= 2 && tpv.time !== undefined && /,A,|,[1-9],\d\d,/.test(entry.sentence),
          `${name}: gpsd has a fix at ${entry.sentence}`,
        ).toBe(false);
        continue;
      }
      totals.compared++;
      expect(tpv.mode, `${name}: mode at ${entry.sentence}`).toBeGreaterThanOrEqual(2);
      expect(Math.abs(pos.lat - (tpv.lat as number)), `${name}: lat at ${entry.sentence}`).toBeLessThan(1e-6);
      expect(Math.abs(pos.lon - (tpv.lon as number)), `${name}: lon at ${entry.sentence}`).toBeLessThan(1e-6);
      if (type === 'RMC') {
        if (tpv.speed !== undefined && pos.speedKmh !== null) {
          totals.speedCompared++;
          expect(Math.abs(pos.speedKmh / 3.6 - tpv.speed), `${name}: speed at ${entry.sentence}`).toBeLessThan(0.002);
        }
        if (tpv.track !== undefined && pos.headingDeg !== null) expect(Math.abs(pos.headingDeg - tpv.track)).toBeLessThan(0.01);
        if (tpv.time !== undefined) {
          totals.timeCompared++;
          expect(new Date(pos.at).toISOString(), `${name}: time at ${entry.sentence}`).toBe(new Date(Date.parse(tpv.time)).toISOString());
        }
      }
    }
  });

  it('when every capture is streamed through the decoder in odd chunks, then nothing throws and the frames equal the line-by-line decode', () => {
    for (const name of names) {
      const bytes = captureBytes(name);
      const whole = createNmeaDecoder().push(bytes, RECEIVED_AT);
      const chunked = createNmeaDecoder();
      const frames: TelemetryFrame[] = [];
      for (let i = 0; i < bytes.length; i += 7) frames.push(...chunked.push(bytes.subarray(i, i + 7), RECEIVED_AT).frames);
      expect(frames).toEqual(whole.frames);
      expect(whole.rejected.filter((r) => r.reason === 'checksum' || r.reason === 'binary')).toEqual([]);
    }
    console.log(
      `gpsd oracle: ${totals.sentences} sentences decoded, ${totals.positions} positions, ${totals.compared} compared with gpsd TPV (${totals.speedCompared} speeds, ${totals.timeCompared} times), ${totals.noFixCompared} no-fix sentences agreed`,
    );
    expect(totals.compared).toBeGreaterThan(300);
  });
});
