import { describe, expect, it } from 'vitest';
import { createJsonDecoder } from '../protocols/json.js';
import { createKvDecoder } from '../protocols/kv.js';
import { createNmeaDecoder } from '../protocols/nmea.js';
import { feed } from '../protocols/testing.js';
import type { TelemetryFrame } from '../types.js';
import { createGpsProfile } from './gps.js';
import { createTemperatureProfile } from './temperature.js';

const START = Date.UTC(2026, 2, 2, 8, 0, 0);

describe('simulator profiles', () => {
  it('when the GPS van drives for an hour, then every sentence decodes, it stays in Bristol at urban speeds, and the fix drops now and then', () => {
    const gps = createGpsProfile({ seed: 1 });
    const text = Array.from({ length: 3600 }, (_, i) => gps.next(START + i * 1000).join('\r\n') + '\r\n').join('');
    const out = feed(createNmeaDecoder(), text, [64], START + 3_600_000);
    const positions = out.frames as Array<Extract<TelemetryFrame, { kind: 'position' }>>;
    expect(out.rejected.filter((r) => r.reason !== 'nofix')).toEqual([]);
    expect(out.rejected.length).toBeGreaterThan(0); // fix losses
    expect(positions.length + out.rejected.length).toBe(7200);
    for (const p of positions) {
      expect(p.lat).toBeGreaterThan(51.44);
      expect(p.lat).toBeLessThan(51.47);
      expect(p.lon).toBeGreaterThan(-2.63);
      expect(p.lon).toBeLessThan(-2.57);
      expect(p.speedKmh ?? 0).toBeLessThanOrEqual(60);
    }
    const rmc = positions.filter((p) => p.satellites !== null && p.speedKmh !== null);
    expect(rmc.length).toBeGreaterThan(3000);
    expect(Math.max(...positions.map((p) => p.speedKmh ?? 0))).toBeGreaterThan(30);
    expect(positions[1]?.at).toBe(START);
  });

  it('when the temperature sensor runs past its drift time, then readings climb through 80 °C in both formats', () => {
    for (const format of ['kv', 'json'] as const) {
      const sensor = createTemperatureProfile({ format, driftAfterS: 60 });
      const text = Array.from({ length: 300 }, (_, s) => `${sensor.next(START + s * 1000, s)}\n`).join('');
      const out = feed(format === 'kv' ? createKvDecoder() : createJsonDecoder(), text, [33], START + 400_000);
      expect(out.rejected).toEqual([]);
      const temps = out.frames.map((f) => (f.kind === 'metrics' ? (f.metrics.find((m) => m.name === 'temperature')?.value ?? NaN) : NaN));
      expect(temps).toHaveLength(300);
      expect(Math.max(...temps.slice(0, 60))).toBeLessThan(65);
      expect(temps.at(-1)).toBeGreaterThan(80);
    }
  });
});
