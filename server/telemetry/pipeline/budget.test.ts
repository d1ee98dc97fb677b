import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../../testing/harness.js';
import { telemetryWorld, type World } from '../fixtures.js';

// The batch time budget: once a row's cost is measured, a batch takes only as many rows as fit in
// batchBudgetMs (never fewer than 250, never more than flushRows).

let t: TestHost;
let w: World;
const T0 = Date.parse('2026-11-16T08:00:00Z');

beforeAll(async () => {
  t = await startTestHost();
  // A budget no batch can meet: every batch after the first (which has no measurement yet) is the smallest allowed.
  w = await telemetryWorld(t, { flushRows: 2000, batchBudgetMs: 0.001 });
});
afterAll(async () => {
  await w.telemetry.close();
  await t.close();
});

describe('the batch time budget', () => {
  it('when rows cost more than the budget allows, then batches shrink from flushRows to 250 rows and every row is still stored', () => {
    const before = w.telemetry.pipeline.stats.batches;
    for (let i = 0; i < 4250; i++) w.source.metrics(w.sensorId, T0 + i, { budget: i });
    w.telemetry.flush();
    t.host.commits.flush();
    const stored = t.host.sqlite.prepare("SELECT count(*) FROM telemetry_readings WHERE metric = 'budget'").pluck().get() as number;
    expect(stored).toBe(4250);
    // 2000 unmeasured, then 9 × 250.
    expect(w.telemetry.pipeline.stats.batches - before).toBe(1 + 9);
    expect(w.telemetry.pipeline.countersOf(w.sensorId).dropped).toBe(0);
  });
});
