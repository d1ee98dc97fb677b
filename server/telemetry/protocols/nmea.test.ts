import { describe, expect, it } from 'vitest';
import type { TelemetryFrame } from '../types.js';
import { createNmeaDecoder, nmeaSentence, parseCoordinate, parseDate } from './nmea.js';
import { feed } from './testing.js';

type Position = Extract<TelemetryFrame, { kind: 'position' }>;
const RMC = '$GPRMC,030719.000,A,3747.0873,S,17518.8938,E,0.69,181.39,311214,,,A*7D';
const GGA = '$GPGGA,030719.000,3747.0873,S,17518.8938,E,1,08,1.1,59.9,M,23.7,M,,0000*7D';
const NOW = Date.UTC(2026, 0, 1);

describe('NMEA 0183', () => {
  it('when an RMC arrives, then it becomes a position with UTC date+time, km/h and course', () => {
    const [p] = feed(createNmeaDecoder(), `${RMC}\r\n`, [5], NOW).frames as Position[];
    expect(p).toMatchObject({ kind: 'position', at: Date.parse('2014-12-31T03:07:19Z'), headingDeg: 181.39, fixQuality: 1 });
    expect(p?.lat).toBeCloseTo(-37.784788333, 8);
    expect(p?.lon).toBeCloseTo(175.314896667, 8);
    expect(p?.speedKmh).toBeCloseTo(0.69 * 1.852, 9);
  });

  it('when a GGA follows an RMC of the same second, then it takes the RMC date and shares speed; the RMC after it gets altitude', () => {
    const out = feed(createNmeaDecoder(), `${RMC}\n${GGA}\n`, [1], NOW).frames as Position[];
    expect(out[1]).toMatchObject({ at: Date.parse('2014-12-31T03:07:19Z'), satellites: 8, hdop: 1.1, altitudeM: 59.9, fixQuality: 1 });
    expect(out[1]?.speedKmh).toBeCloseTo(1.27788, 5);
  });

  it('when a GGA arrives before any RMC, then its time is the receive time', () => {
    const [p] = feed(createNmeaDecoder(), `${GGA}\n`, [100], NOW).frames as Position[];
    expect(p?.at).toBe(NOW);
    expect(p?.speedKmh).toBeNull();
  });

  it('when a GGA comes just after midnight following a 23:59:59 RMC, then it is dated the next day', () => {
    const rmc = nmeaSentence('GNRMC,235959.00,A,5127.0000,N,00235.0000,W,10.0,90.0,311225,,,A');
    const gga = nmeaSentence('GNGGA,000000.00,5127.0000,N,00235.0000,W,1,09,0.9,20.0,M,48.0,M,,');
    const out = feed(createNmeaDecoder(), `${rmc}\n${gga}\n`, [9], NOW).frames as Position[];
    expect(out.map((p) => new Date(p.at).toISOString())).toEqual(['2025-12-31T23:59:59.000Z', '2026-01-01T00:00:00.000Z']);
  });

  it('when talkers GN, GL, GA and BD send RMC, then all are decoded; other sentences are ignored silently', () => {
    const body = ',120000.00,A,5127.0000,N,00235.0000,W,0.0,0.0,010126,,,A';
    const input =
      ['GN', 'GL', 'GA', 'BD']
        .map((t) => nmeaSentence(`${t}RMC${body}`))
        .concat(nmeaSentence('GPGSV,1,1,00'), nmeaSentence('PUBX,00'))
        .join('\n') + '\n';
    const out = feed(createNmeaDecoder(), input, [13], NOW);
    expect(out.frames).toHaveLength(4);
    expect(out.rejected).toEqual([]);
  });

  it('when the checksum is wrong or missing, then the sentence is rejected as checksum', () => {
    const out = feed(createNmeaDecoder(), `${RMC.slice(0, -2)}7E\n${RMC.slice(0, -3)}\n`, [4], NOW);
    expect(out.frames).toEqual([]);
    expect(out.rejected.map((r) => r.reason)).toEqual(['checksum', 'checksum']);
  });

  it('when the fix is invalid, then there is no position and the sentence is counted as nofix', () => {
    const input = `${nmeaSentence('GPRMC,120316,V,4221.4394,N,01321.9948,E,000.0,000.0,150305,001.4,E')}\n${nmeaSentence('GPGGA,,,,,,0,,,,M,,M,,')}\n`;
    const out = feed(createNmeaDecoder(), input, [7], NOW);
    expect(out.frames).toEqual([]);
    expect(out.rejected.map((r) => r.reason)).toEqual(['nofix', 'nofix']);
  });

  it('when coordinates are out of range, then the sentence is malformed', () => {
    expect(parseCoordinate('9130.0000', 'N', 2)).toBeNull();
    expect(parseCoordinate('4261.0000', 'N', 2)).toBeNull();
    expect(parseCoordinate('4230.0000', 'X', 2)).toBeNull();
    expect(parseDate('310224')).toBeNull(); // 31 February
    const bad = nmeaSentence('GPRMC,120000,A,9930.0000,N,00235.0000,W,0.0,0.0,010126,,,A');
    expect(feed(createNmeaDecoder(), `${bad}\n`).rejected.map((r) => r.reason)).toEqual(['malformed']);
  });

  it('when noise is glued to the front of a sentence, then the sentence still decodes and the noise is counted', () => {
    const out = feed(createNmeaDecoder(), `x#~q${RMC}\n`, [3], NOW);
    expect(out.frames).toHaveLength(1);
    expect(out.rejected.map((r) => r.reason)).toEqual(['malformed']);
  });

  it('when the device clock is absurd, then the receive time is used', () => {
    const old = nmeaSentence('GPRMC,120000,A,5127.0000,N,00235.0000,W,0.0,0.0,010199,,,A'); // 1999
    const [p] = feed(createNmeaDecoder(), `${old}\n`, [100], NOW).frames;
    expect(p?.at).toBe(NOW);
  });
});
