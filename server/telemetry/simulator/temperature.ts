import { noise, seeded } from './random.js';

/**
 * A machine-room sensor: temperature around 62 °C and humidity around 40 % with noise, and from
 * `driftAfterS` on a slow climb (0.25 °C/s) past 80 °C up to 95 °C, so a threshold rule fires a few
 * minutes into a demo. Lines are `temperature=62.41C humidity=40.2%` (kv) or JSON lines.
 */

export interface TemperatureProfile {
  next(t: number, elapsedS: number): string;
}

export function createTemperatureProfile(
  opts: { seed?: number; format?: 'kv' | 'json'; driftAfterS?: number; baseC?: number } = {},
): TemperatureProfile {
  const rand = seeded(opts.seed ?? 2);
  const format = opts.format ?? 'kv';
  const driftAfter = opts.driftAfterS ?? 120;
  const base = opts.baseC ?? 62;
  let humidity = 40;
  return {
    next(t, elapsedS) {
      const drift = Math.min(95 - base, Math.max(0, elapsedS - driftAfter) * 0.25);
      const temperature = Math.round((base + drift + noise(rand, 0.3)) * 100) / 100;
      humidity = Math.min(95, Math.max(5, humidity + noise(rand, 0.2)));
      const hum = Math.round(humidity * 10) / 10;
      if (format === 'json') {
        return JSON.stringify({ t, metrics: { temperature: { value: temperature, unit: '°C' }, humidity: { value: hum, unit: '%' } } });
      }
      return `temperature=${temperature.toFixed(2)}C humidity=${hum.toFixed(1)}%`;
    },
  };
}
