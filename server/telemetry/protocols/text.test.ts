import { describe, expect, it } from 'vitest';
import { createCsvDecoder } from './csv.js';
import { createJsonDecoder } from './json.js';
import { createKvDecoder } from './kv.js';
import { feed } from './testing.js';

const NOW = Date.UTC(2026, 0, 1);
const metrics = (r: ReturnType<typeof feed>) => r.frames.map((f) => (f.kind === 'metrics' ? { at: f.at, metrics: f.metrics } : null));

describe('JSON lines', () => {
  it('when a flat object with one metric and a unit arrives, then it is one metric with that unit and the line time', () => {
    const out = feed(createJsonDecoder(), '{"t": 1767225600000, "temperature": 21.5, "unit": "°C", "id": "probe-1"}\n', [3], NOW + 1000);
    expect(metrics(out)).toEqual([{ at: 1767225600000, metrics: [{ name: 'temperature', value: 21.5, unit: '°C' }] }]);
    expect(out.rejected).toEqual([]);
  });

  it('when the explicit metrics shape arrives, then every metric keeps its unit; epoch seconds and ISO times are accepted', () => {
    const input =
      '{"t": 1767225600, "metrics": {"Temperature": {"value": 21.5, "unit": "°C"}, "pump.pressure": 2}}\n{"time":"2026-01-01T00:00:05Z","metrics":{"x":{"value":1}}}\n';
    expect(metrics(feed(createJsonDecoder(), input, [11], NOW + 60_000))).toEqual([
      {
        at: 1767225600000,
        metrics: [
          { name: 'temperature', value: 21.5, unit: '°C' },
          { name: 'pump.pressure', value: 2, unit: null },
        ],
      },
      { at: NOW + 5000, metrics: [{ name: 'x', value: 1, unit: null }] },
    ]);
  });

  it('when several flat metrics come with a units map, then each gets its own unit', () => {
    const out = feed(
      createJsonDecoder(),
      '{"temperature": 21.5, "humidity": 40, "units": {"temperature": "°C", "humidity": "%"}}\n',
      [100],
      NOW,
    );
    expect(metrics(out)[0]?.metrics).toEqual([
      { name: 'temperature', value: 21.5, unit: '°C' },
      { name: 'humidity', value: 40, unit: '%' },
    ]);
  });

  it('when values are not finite, names are invalid or the line is not JSON, then they are rejected and good metrics kept', () => {
    const input = '{"temperature": 1e999, "ok": 1, "bad name!": 2}\n{"temp": 21\n[1,2]\n{"status":"ok"}\n';
    const out = feed(createJsonDecoder(), input, [5], NOW);
    expect(metrics(out)).toEqual([{ at: NOW, metrics: [{ name: 'ok', value: 1, unit: null }] }]);
    expect(out.rejected.map((r) => r.reason)).toEqual(['malformed', 'malformed', 'malformed', 'malformed']);
  });

  it('when the timestamp is outside the sane range, then the receive time is used', () => {
    expect(metrics(feed(createJsonDecoder(), '{"t": 5, "a": 1}\n{"t": 4102444800000, "a": 2}\n', [100], NOW)).map((m) => m?.at)).toEqual([
      NOW,
      NOW,
    ]);
  });
});

describe('key=value lines', () => {
  it('when units are glued to values, then they are split off and kept as written', () => {
    const out = feed(createKvDecoder(), 'temp=21.5C hum=40% pump.pressure=2.10bar status=ok\n', [4], NOW);
    expect(metrics(out)).toEqual([
      {
        at: NOW,
        metrics: [
          { name: 'temp', value: 21.5, unit: 'C' },
          { name: 'hum', value: 40, unit: '%' },
          { name: 'pump.pressure', value: 2.1, unit: 'bar' },
        ],
      },
    ]);
    expect(out.rejected).toEqual([]);
  });

  it('when pairs use commas or semicolons and a ts field, then they are read the same way', () => {
    const out = feed(createKvDecoder(), 'ts=1767225600000;temp=-3.5°C,rpm=1200\n', [100], NOW);
    expect(metrics(out)).toEqual([
      {
        at: 1767225600000,
        metrics: [
          { name: 'temp', value: -3.5, unit: '°C' },
          { name: 'rpm', value: 1200, unit: null },
        ],
      },
    ]);
  });

  it('when a line has no pairs or bad names, then it is malformed', () => {
    const out = feed(createKvDecoder(), 'hello world\n9x=1\n', [100], NOW);
    expect(out.frames).toEqual([]);
    expect(out.rejected.map((r) => r.reason)).toEqual(['malformed', 'malformed']);
  });
});

describe('CSV lines', () => {
  it('when a header with units is followed by rows, then each row becomes metrics with those units', () => {
    const input = 'time,temperature[°C],humidity (%)\n1767225600000,21.5,40\n1767225601000,21.6,\n';
    expect(metrics(feed(createCsvDecoder(), input, [6], NOW + 10_000))).toEqual([
      {
        at: 1767225600000,
        metrics: [
          { name: 'temperature', value: 21.5, unit: '°C' },
          { name: 'humidity', value: 40, unit: '%' },
        ],
      },
      { at: 1767225601000, metrics: [{ name: 'temperature', value: 21.6, unit: '°C' }] },
    ]);
  });

  it('when columns are configured, then rows decode without a header', () => {
    const out = feed(createCsvDecoder({ columns: ['flow[m3/h]', 'pressure[bar]'] }), '36.5,4.2\n', [100], NOW);
    expect(metrics(out)).toEqual([
      {
        at: NOW,
        metrics: [
          { name: 'flow', value: 36.5, unit: 'm3/h' },
          { name: 'pressure', value: 4.2, unit: 'bar' },
        ],
      },
    ]);
  });

  it('when rows come before a header, have the wrong width or text cells, then they are malformed', () => {
    const out = feed(createCsvDecoder(), '1,2\na,b\n1\n1,x2\n3,4\n', [3], NOW);
    expect(metrics(out)).toEqual([
      {
        at: NOW,
        metrics: [
          { name: 'a', value: 3, unit: null },
          { name: 'b', value: 4, unit: null },
        ],
      },
    ]);
    expect(out.rejected.map((r) => r.reason)).toEqual(['malformed', 'malformed', 'malformed']);
  });
});
