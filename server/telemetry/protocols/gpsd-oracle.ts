import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads a gpsd regression capture (`NAME.log`) and gpsd's decoding of it (`NAME.log.chk`): each
 * sentence followed by the JSON reports gpsd produced for it. Test support only.
 */

export const GPSD_FIXTURES = process.env.DEPOTDESK_GPSD_FIXTURES ?? '/work/shared/fixtures/gpsd-nmea';

export interface Tpv {
  mode: number;
  time?: string;
  lat?: number;
  lon?: number;
  speed?: number;
  track?: number;
}

export interface OracleEntry {
  sentence: string;
  tpv: Tpv[];
}

export function fixtureNames(dir = GPSD_FIXTURES): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The capture's bytes without the `#` comment header lines. */
export function captureBytes(name: string, dir = GPSD_FIXTURES): Buffer {
  const raw = fs.readFileSync(path.join(dir, `${name}.log`), 'latin1');
  return Buffer.from(
    raw
      .split(/(?<=\n)/)
      .filter((l) => !l.startsWith('#'))
      .join(''),
    'latin1',
  );
}

export function oracle(name: string, dir = GPSD_FIXTURES): OracleEntry[] {
  const out: OracleEntry[] = [];
  for (const line of fs.readFileSync(path.join(dir, `${name}.log.chk`), 'latin1').split(/\r?\n/)) {
    if (line.startsWith('{')) {
      const doc = JSON.parse(line) as { class?: string } & Tpv;
      if (doc.class === 'TPV') out.at(-1)?.tpv.push(doc);
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      out.push({ sentence: line.trim(), tpv: [] });
    }
  }
  return out;
}
