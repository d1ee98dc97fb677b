import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { flushReadings } from '../testing/readings-flush.js';
import { seedWorld, type World } from '../work-orders/fixtures.js';
import { DEFAULT_PUSH_MUTATIONS, readPushBatch } from './push-batch.js';

/** How big a push batch gets: mutations up to the default, inlined telemetry rows up to the cap. */

let t: TestHost;
let world: World;

const flush = (n: number) => flushReadings(t, world.orgId, n);

beforeAll(async () => {
  t = await startTestHost();
  world = await seedWorld(t);
});

afterAll(async () => {
  await t?.close();
});

describe('push batch size', () => {
  it('when flushes of telemetry wait, then a batch stops adding them past the inlined-row cap, never sending less than one mutation', () => {
    const first = readPushBatch(t.host, world.orgId)!;
    flush(6);
    flush(6);
    flush(6);
    const all = readPushBatch(t.host, world.orgId, { maxMutations: 2_000 })!;
    const capped = readPushBatch(t.host, world.orgId, { maxMutations: 2_000, maxInlinedRows: 10 })!;
    const rows = (b: typeof all) => b.mutations.flatMap((m) => m.changes).reduce((n, c) => n + (c.rows?.length ?? 0), 0);
    expect(rows(all)).toBe(18);
    // The seed's mutations and the first flush fit (6 rows); the second would make 12 > 10.
    expect(rows(capped)).toBe(6);
    expect(capped.toSeq).toBe(capped.mutations.at(-1)!.seq);
    expect(capped.mutations.every((m) => m.seq <= capped.toSeq)).toBe(true);
    expect(capped.mutations.length).toBe(all.mutations.length - 2);
    // A cap of 0 still sends everything up to the first flush: the batch is cut before a mutation, never inside one.
    const tiny = readPushBatch(t.host, world.orgId, { maxMutations: 2_000, maxInlinedRows: 0 })!;
    expect(tiny.mutations.length).toBe(all.mutations.length - 3);
    expect(rows(tiny)).toBe(0);
    expect(first.mutations.length).toBeLessThanOrEqual(DEFAULT_PUSH_MUTATIONS);
  });
});
