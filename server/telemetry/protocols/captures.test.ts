import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStreamDecoder, type StreamProtocol } from './index.js';
import { feed } from './testing.js';

const DIR = path.resolve(import.meta.dirname, '../../../resources/sensor-captures');
const CAPTURES: Array<[string, StreamProtocol, number]> = [
  ['van-bristol-loop.nmea', 'nmea', 1200],
  ['machine-room-temperature.kv', 'kv', 300],
  ['machine-room-temperature.jsonl', 'json', 300],
  ['cold-store-logger.csv', 'csv', 120],
];

describe('sample sensor captures', () => {
  it.each(CAPTURES)('when %s is read as %s in 17-byte chunks, then every line decodes', (file, protocol, lines) => {
    const out = feed(createStreamDecoder(protocol), fs.readFileSync(path.join(DIR, file)), [17], Date.UTC(2026, 6, 1));
    expect(out.rejected.filter((r) => r.reason !== 'nofix')).toEqual([]);
    expect(out.frames.length + out.rejected.length).toBe(lines);
  });
});
