import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import type { Metric } from '../types.js';
import { runRetention } from './retention.js';
import { writeBatch, type Binding, type QueuedFrame } from './store.js';

// Retention finds expired readings through the table's three partial indexes (no (org, at) index
// since migration 0013): these tests put rows in each of them, with device clocks that disagree
// with arrival order, and check it deletes exactly the rows older than the cutoff.

let t: TestHost;
let orgId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestHost();
  ({ orgId } = await t.setupOrg());
});
afterAll(() => t.close());

function frame(b: Binding, at: number, values: Record<string, number>, receivedAt: number): QueuedFrame {
  const list: Metric[] = Object.entries(values).map(([name, value]) => ({ name, value, unit: null }));
  return { binding: b, frame: { kind: 'metrics', at, metrics: list }, receivedAt };
}

interface Row {
  device_id: string;
  metric: string;
  at: number;
}
const rowsOf = (devices: string[]) =>
  t.host.sqlite
    .prepare(`SELECT device_id, metric, at FROM telemetry_readings WHERE device_id IN (${devices.map(() => '?').join(', ')}) ORDER BY id`)
    .all(...devices) as Row[];

describe('telemetry retention over the partial indexes', () => {
  it('when bound, vehicle-bound, doubly bound and unbound devices hold expired rows in any id order, then exactly those rows go, in transactions of the chunk size', async () => {
    const now = t.clock.now();
    const cutoff = now - 30 * DAY; // the default raw retention
    const bindings: Binding[] = [
      { deviceId: newId(), orgId, assetId: newId(), vehicleId: null },
      { deviceId: newId(), orgId, assetId: null, vehicleId: newId() },
      { deviceId: newId(), orgId, assetId: newId(), vehicleId: newId() },
      { deviceId: newId(), orgId, assetId: null, vehicleId: null },
    ];
    // Per device: 7 expired rows of metric `a` (more than one chunk of 3), 2 of `b`, a fresh row of
    // each, and a row from a clock years behind that arrives last. Arrival order is not `at` order.
    const batch: QueuedFrame[] = [];
    for (const b of bindings) {
      batch.push(frame(b, now - DAY, { a: 1, b: 1 }, now));
      for (let i = 0; i < 7; i++) batch.push(frame(b, now - (40 + i) * DAY, { a: 2 }, now));
      batch.push(frame(b, now - 400 * DAY, { b: 2 }, now - 500 * DAY));
      batch.push(frame(b, now - 31 * DAY, { b: 2 }, now));
    }
    writeBatch(t.host, batch);
    // Written after the rest, so it is not the newest row by id (which retention always keeps).
    const last = bindings[3]!;
    writeBatch(t.host, [frame(last, now - 3 * 365 * DAY, { c: 3 }, now), frame(last, now, { fresh: 1 }, now)]);
    t.host.commits.flush();
    const devices = bindings.map((b) => b.deviceId);
    const expired = rowsOf(devices).filter((r) => r.at < cutoff).length;
    expect(expired).toBe(4 * 9 + 1);

    const result = await runRetention(t.host, { chunk: 3 });

    const left = rowsOf(devices);
    expect(left.filter((r) => r.at < cutoff)).toEqual([]);
    expect(left).toHaveLength(4 * 2 + 1);
    expect(left.every((r) => r.at >= now - DAY)).toBe(true);
    expect(result.readings).toBe(expired);
    expect(t.host.sqlite.prepare('SELECT count(*) FROM telemetry_retention_gate').pluck().get()).toBe(0);
  });

  it('when nothing has expired, then retention deletes nothing and leaves every key in place', async () => {
    const b: Binding = { deviceId: newId(), orgId, assetId: null, vehicleId: null };
    writeBatch(t.host, [frame(b, t.clock.now() - DAY, { a: 1, b: 2 }, t.clock.now())]);
    t.host.commits.flush();
    const result = await runRetention(t.host, { chunk: 1 });
    expect(result.readings).toBe(0);
    expect(rowsOf([b.deviceId])).toHaveLength(2);
  });
});
