import type { StreamDecoder, TelemetryFrame } from '../types.js';
import { createLineDecoder, EMPTY, reject, sample, type LineResult } from './lines.js';
import { saneTime } from './validate.js';

/**
 * NMEA 0183 GPS sentences → positions. Only GGA (fix, satellites, altitude) and RMC (date, speed,
 * course) are turned into frames; other well-formed sentences (GSA, GSV, VTG, proprietary $P...)
 * are ignored without counting, because a healthy receiver sends them all the time.
 *
 * - The checksum is required and verified ('checksum' rejection otherwise).
 * - Talkers: GP (GPS), GN (multi-GNSS), GL (GLONASS), GA (Galileo), BD/GB (BeiDou), GQ (QZSS), GI (NavIC).
 * - RMC date + time → epoch ms. GGA has only a time of day: it takes the date of the last RMC
 *   (rolling over midnight), or the host's receive time until an RMC has been seen.
 * - A GGA and an RMC of the same second are each a frame; each borrows the other's fields
 *   (speed/course into GGA, satellites/HDOP/altitude into RMC) when the times match.
 * - No fix (GGA quality 0 or 0 satellites used, RMC status V or mode N) → no frame, a 'nofix' rejection.
 * - Knots → km/h.
 */

export const NMEA_MAX_LINE = 120; // the standard says 82; some receivers exceed it slightly
const TALKERS = new Set(['GP', 'GN', 'GL', 'GA', 'BD', 'GB', 'GQ', 'GI']);
const KNOTS_TO_KMH = 1.852;
const DAY_MS = 86_400_000;

export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum;
}

/** "$" + body + "*" + checksum: for the simulator and tests. */
export function nmeaSentence(body: string): string {
  return `$${body}*${nmeaChecksum(body).toString(16).toUpperCase().padStart(2, '0')}`;
}

/** ddmm.mmmm + hemisphere → signed degrees, or null when empty or out of range. */
export function parseCoordinate(value: string, hemi: string, degDigits: 2 | 3): number | null {
  if (!/^\d+(\.\d+)?$/.test(value)) return null;
  const dot = value.indexOf('.');
  const intLen = dot === -1 ? value.length : dot;
  if (intLen !== degDigits + 2) return null;
  const deg = Number(value.slice(0, degDigits));
  const min = Number(value.slice(degDigits));
  if (!Number.isFinite(deg) || !Number.isFinite(min) || min >= 60) return null;
  const abs = deg + min / 60;
  if (abs > (degDigits === 2 ? 90 : 180)) return null;
  if (hemi === 'N' || hemi === 'E') return abs;
  if (hemi === 'S' || hemi === 'W') return -abs;
  return null;
}

/** hhmmss(.sss) → ms since midnight. */
export function parseTimeOfDay(value: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  if (h > 23 || min > 59 || s >= 61) return null; // 60: a leap second
  return Math.round(((h * 60 + min) * 60 + s) * 1000);
}

/** ddmmyy → epoch ms of that UTC midnight. Two-digit years 80–99 are 19xx (NMEA has no century). */
export function parseDate(value: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const yy = Number(m[3]);
  if (d < 1 || d > 31 || mo < 1 || mo > 12) return null;
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const ms = Date.UTC(year, mo - 1, d);
  return new Date(ms).getUTCDate() === d ? ms : null;
}

function num(value: string | undefined): number | null {
  if (value === undefined || value === '' || !/^[-+]?\d*\.?\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

interface State {
  /** UTC midnight of the last RMC date and its time of day. */
  dateMs: number | null;
  rmcTod: number | null;
  rmcSpeed: number | null;
  rmcCourse: number | null;
  ggaTod: number | null;
  ggaSats: number | null;
  ggaHdop: number | null;
  ggaAlt: number | null;
}

export function createNmeaLineParser(): (line: string, receivedAt: number) => LineResult {
  const st: State = {
    dateMs: null,
    rmcTod: null,
    rmcSpeed: null,
    rmcCourse: null,
    ggaTod: null,
    ggaSats: null,
    ggaHdop: null,
    ggaAlt: null,
  };
  const bad = (reason: 'checksum' | 'malformed' | 'nofix', line: string, why: string): LineResult => ({
    frames: [],
    rejected: [reject(reason, `${why}: ${sample(line)}`, Buffer.byteLength(line) + 1)],
  });

  return (raw, receivedAt) => {
    // Some receivers (and serial noise) put junk before the "$": start at the last sentence start.
    const line = raw.trim();
    const startAt = Math.max(line.lastIndexOf('$'), line.lastIndexOf('!'));
    if (startAt === -1) return bad('malformed', raw, 'not an NMEA sentence');
    const sentence = line.slice(startAt);
    const star = sentence.lastIndexOf('*');
    if (star === -1 || star !== sentence.length - 3) return bad('checksum', raw, 'missing checksum');
    const body = sentence.slice(1, star);
    const given = Number.parseInt(sentence.slice(star + 1), 16);
    if (!/^[0-9A-Fa-f]{2}$/.test(sentence.slice(star + 1)) || given !== nmeaChecksum(body))
      return bad('checksum', raw, 'checksum mismatch');
    const f = body.split(',');
    const address = f[0] ?? '';
    let result = EMPTY;
    if (sentence[0] === '$' && address.length === 5 && TALKERS.has(address.slice(0, 2))) {
      const type = address.slice(2);
      if (type === 'RMC') result = rmc(f, raw, receivedAt);
      else if (type === 'GGA') result = gga(f, raw, receivedAt);
    }
    // Noise glued to the front of an intact sentence (e.g. the tail of a line cut by a replug):
    // the sentence still counts, the noise is counted separately.
    if (startAt > 0) {
      const junk = line.slice(0, startAt);
      return {
        frames: result.frames,
        rejected: [...result.rejected, reject('malformed', `junk before a sentence: ${sample(junk)}`, Buffer.byteLength(junk))],
      };
    }
    return result;
  };

  function rmc(f: string[], raw: string, receivedAt: number): LineResult {
    if (f.length < 10) return bad('malformed', raw, 'RMC with too few fields');
    const tod = parseTimeOfDay(f[1] ?? '');
    const date = parseDate(f[9] ?? '');
    if (date !== null && tod !== null) {
      st.dateMs = date;
      st.rmcTod = tod;
    }
    const status = f[2];
    const mode = f[12];
    const lat = parseCoordinate(f[3] ?? '', f[4] ?? '', 2);
    const lon = parseCoordinate(f[5] ?? '', f[6] ?? '', 3);
    const knots = num(f[7]);
    const course = num(f[8]);
    st.rmcSpeed = knots === null ? null : knots * KNOTS_TO_KMH;
    st.rmcCourse = course !== null && course >= 0 && course <= 360 ? course % 360 : null;
    if (status !== 'A' || mode === 'N') return bad('nofix', raw, 'RMC without a valid fix');
    if (lat === null || lon === null) return bad('malformed', raw, 'RMC with a bad position');
    const withGga = tod !== null && st.ggaTod === tod;
    const at = date !== null && tod !== null ? saneTime(date + tod, receivedAt) : receivedAt;
    const frame: TelemetryFrame = {
      kind: 'position',
      at,
      lat,
      lon,
      speedKmh: st.rmcSpeed,
      headingDeg: st.rmcCourse,
      fixQuality: 1,
      satellites: withGga ? st.ggaSats : null,
      hdop: withGga ? st.ggaHdop : null,
      altitudeM: withGga ? st.ggaAlt : null,
    };
    return { frames: [frame], rejected: [] };
  }

  function gga(f: string[], raw: string, receivedAt: number): LineResult {
    if (f.length < 10) return bad('malformed', raw, 'GGA with too few fields');
    const tod = parseTimeOfDay(f[1] ?? '');
    const quality = num(f[6]);
    const sats = num(f[7]);
    const hdop = num(f[8]);
    const alt = f[10] === 'M' || f[10] === '' || f[10] === undefined ? num(f[9]) : null;
    st.ggaTod = tod;
    st.ggaSats = sats !== null && Number.isInteger(sats) ? sats : null;
    st.ggaHdop = hdop;
    st.ggaAlt = alt;
    if (quality === null || !Number.isInteger(quality) || quality < 0 || quality > 9)
      return bad('malformed', raw, 'GGA with a bad fix quality');
    if (quality === 0) return bad('nofix', raw, 'GGA without a fix');
    // A "fix" from no satellites is a stale or dead-reckoned position; gpsd reports it as no fix too.
    if (st.ggaSats === 0) return bad('nofix', raw, 'GGA fix with 0 satellites');
    const lat = parseCoordinate(f[2] ?? '', f[3] ?? '', 2);
    const lon = parseCoordinate(f[4] ?? '', f[5] ?? '', 3);
    if (lat === null || lon === null) return bad('malformed', raw, 'GGA with a bad position');
    let at = receivedAt;
    const withRmc = tod !== null && st.rmcTod === tod;
    if (tod !== null && st.dateMs !== null && st.rmcTod !== null) {
      let t = st.dateMs + tod;
      // A GGA just after midnight follows an RMC from just before it: the next day.
      if (tod < st.rmcTod - DAY_MS / 2) t += DAY_MS;
      at = saneTime(t, receivedAt);
    }
    const frame: TelemetryFrame = {
      kind: 'position',
      at,
      lat,
      lon,
      speedKmh: withRmc ? st.rmcSpeed : null,
      headingDeg: withRmc ? st.rmcCourse : null,
      fixQuality: quality,
      satellites: st.ggaSats,
      hdop,
      altitudeM: alt,
    };
    return { frames: [frame], rejected: [] };
  }
}

export function createNmeaDecoder(opts: { maxLineLength?: number } = {}): StreamDecoder {
  return createLineDecoder(createNmeaLineParser(), { maxLineLength: opts.maxLineLength ?? NMEA_MAX_LINE });
}
