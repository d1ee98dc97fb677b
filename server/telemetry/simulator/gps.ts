import { nmeaSentence } from '../protocols/nmea.js';
import { noise, seeded } from './random.js';
import { haversineM } from '../../core/geo.js';

/**
 * A van driving a loop through central Bristol (Temple Meads → Redcliffe → harbourside → Clifton →
 * Whiteladies Road → Cabot Circus → back), GGA + RMC once a second. Speed follows the road type
 * (20–50 km/h) with stops at junctions; every few minutes the fix drops for a few seconds (a
 * tunnel, tall buildings): GGA quality 0 and RMC status V, as a real receiver reports it.
 */

export const BRISTOL_LOOP: ReadonlyArray<readonly [lat: number, lon: number]> = [
  [51.4491, -2.5813], // Temple Meads
  [51.4477, -2.5895], // Redcliffe Way
  [51.4493, -2.5975], // Prince Street
  [51.4497, -2.6083], // Cumberland Road / harbourside
  [51.451, -2.621], // Hotwells
  [51.4553, -2.622], // Clifton Vale
  [51.4605, -2.6155], // Clifton Village
  [51.464, -2.609], // Whiteladies Road
  [51.46, -2.601], // Park Row
  [51.459, -2.59], // Bond Street
  [51.4587, -2.5845], // Cabot Circus
  [51.4545, -2.582], // Old Market
  [51.4491, -2.5813],
];

const rad = (d: number) => (d * Math.PI) / 180;

function distanceM(a: readonly [number, number], b: readonly [number, number]): number {
  return haversineM({ lat: a[0], lon: a[1] }, { lat: b[0], lon: b[1] });
}

function bearingDeg(a: readonly [number, number], b: readonly [number, number]): number {
  const y = Math.sin(rad(b[1] - a[1])) * Math.cos(rad(b[0]));
  const x = Math.cos(rad(a[0])) * Math.sin(rad(b[0])) - Math.sin(rad(a[0])) * Math.cos(rad(b[0])) * Math.cos(rad(b[1] - a[1]));
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

function ddmm(deg: number, degDigits: 2 | 3): string {
  const abs = Math.abs(deg);
  const d = Math.floor(abs);
  const m = (abs - d) * 60;
  return `${String(d).padStart(degDigits, '0')}${m.toFixed(4).padStart(7, '0')}`;
}

function hhmmss(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0').slice(0, 2)}`;
}

function ddmmyy(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}${p(d.getUTCMonth() + 1)}${p(d.getUTCFullYear() % 100)}`;
}

export interface GpsState {
  lat: number;
  lon: number;
  speedKmh: number;
  headingDeg: number;
  fix: boolean;
}

export interface GpsProfile {
  /** The sentences for the fix at wall time `t` (ms), `dtS` seconds after the previous one. */
  next(t: number, dtS?: number): string[];
  readonly state: GpsState;
}

export function createGpsProfile(opts: { seed?: number; talker?: 'GP' | 'GN' } = {}): GpsProfile {
  const rand = seeded(opts.seed ?? 1);
  const talker = opts.talker ?? 'GN';
  const legs = BRISTOL_LOOP.slice(1).map((b, i) => ({
    a: BRISTOL_LOOP[i] as readonly [number, number],
    b,
    len: distanceM(BRISTOL_LOOP[i] as readonly [number, number], b),
  }));
  let leg = 0;
  let along = 0;
  let speed = 0;
  let stopFor = 0;
  let outageFor = 0;
  const state: GpsState = { lat: BRISTOL_LOOP[0]![0], lon: BRISTOL_LOOP[0]![1], speedKmh: 0, headingDeg: 0, fix: true };

  return {
    state,
    next(t, dtS = 1) {
      const current = legs[leg]!;
      // Urban driving: cruise towards 25–50 km/h, brake to a stop at the end of a leg now and then.
      if (stopFor > 0) {
        stopFor -= dtS;
        speed = Math.max(0, speed - 15 * dtS);
      } else {
        const cruise = 25 + (25 * ((leg * 7) % 5)) / 4;
        speed += Math.max(-10, Math.min(8, (cruise - speed) * 0.3 + noise(rand, 2))) * dtS;
        speed = Math.max(0, Math.min(60, speed));
      }
      along += (speed / 3.6) * dtS;
      if (along >= current.len) {
        along -= current.len;
        leg = (leg + 1) % legs.length;
        if (rand() < 0.3) stopFor = 5 + rand() * 20;
      }
      const l = legs[leg]!;
      const f = l.len > 0 ? along / l.len : 0;
      state.lat = l.a[0] + (l.b[0] - l.a[0]) * f;
      state.lon = l.a[1] + (l.b[1] - l.a[1]) * f;
      state.speedKmh = speed;
      if (speed > 1) state.headingDeg = bearingDeg(l.a, l.b);
      if (outageFor > 0) outageFor -= dtS;
      else if (rand() < 1 / 180) outageFor = 3 + Math.floor(rand() * 6);
      state.fix = outageFor <= 0;

      const time = hhmmss(t);
      const lat = `${ddmm(state.lat, 2)},${state.lat >= 0 ? 'N' : 'S'}`;
      const lon = `${ddmm(state.lon, 3)},${state.lon >= 0 ? 'E' : 'W'}`;
      const knots = (speed / 1.852).toFixed(2);
      const course = state.headingDeg.toFixed(1);
      if (!state.fix) {
        return [nmeaSentence(`${talker}GGA,${time},,,,,0,00,99.99,,,,,,`), nmeaSentence(`${talker}RMC,${time},V,,,,,,,${ddmmyy(t)},,,N`)];
      }
      const sats = 7 + Math.floor(rand() * 6);
      const hdop = (0.8 + rand() * 0.6).toFixed(2);
      const alt = (18 + noise(rand, 0.5)).toFixed(1);
      return [
        nmeaSentence(`${talker}GGA,${time},${lat},${lon},1,${String(sats).padStart(2, '0')},${hdop},${alt},M,48.9,M,,`),
        nmeaSentence(`${talker}RMC,${time},A,${lat},${lon},${knots},${course},${ddmmyy(t)},,,A`),
      ];
    },
  };
}
