import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/pg.js';
import { startFuzzOrg, type FuzzOrg } from './org.js';
import { check, emptyMemory, runSchedule } from './run.js';

/**
 * The convergence fuzz (issue 16), bounded for CI: a few schedules of `npm run sync:fuzz` on one org
 * of real processes. The bench-sized run is `npm run sync:fuzz -- --seed N --runs 1000`. A failing
 * seed here replays there with `--seed <it> --runs 1`; set DEPOTDESK_FUZZ_SEED to run other seeds here.
 */

const FIRST = Number(process.env.DEPOTDESK_FUZZ_SEED ?? 20261207);
const RUNS = 4;

let db: TestDatabase;
let org: FuzzOrg;
const memory = emptyMemory();

beforeAll(async () => {
  db = await createTestDatabase();
  org = await startFuzzOrg(db.url, FIRST);
}, 180_000);

afterAll(async () => {
  await org?.close();
  await db?.drop();
});

describe('sync convergence fuzz: three depots and the hub as processes, faults, kills and clock skew', () => {
  for (let i = 0; i < RUNS; i++) {
    it(`when schedule ${FIRST + i} has run and the network heals, then every replica holds the same state and every acknowledged write`, async () => {
      const r = await runSchedule(org, FIRST + i, 40, memory);
      expect(r.problems, `seed ${r.seed} (replay: npm run sync:fuzz -- --seed ${r.seed} --runs 1)`).toEqual([]);
      // A schedule that acknowledged nothing would prove nothing.
      expect(r.acknowledged.creates + r.acknowledged.edits + r.acknowledged.transitions).toBeGreaterThan(0);
    }, 180_000);
  }

  it('when one replica is changed behind sync’s back, then the checks name the table and the depot', async () => {
    const b = org.depots[1]!;
    const id = memory.workOrders[0]!;
    const file = new Database(b.dbFile);
    try {
      file.pragma('busy_timeout = 5000');
      file.prepare("UPDATE work_orders SET title = title || ' (tampered)' WHERE id = ?").run(id);
    } finally {
      file.close();
    }
    const problems = await check(org);
    expect(problems.some((p) => p.startsWith('diverged: work_orders:') && p.includes(`, ${b.name} `) && p.includes('(tampered)'))).toBe(
      true,
    );
  }, 60_000);

  it('when a replica loses a row behind sync’s back, then the drift check against the hub names the table', async () => {
    const c = org.depots[2]!;
    const file = new Database(c.dbFile);
    try {
      file.pragma('busy_timeout = 5000');
      file.pragma('foreign_keys = OFF');
      file.prepare('DELETE FROM locations WHERE id = ?').run(memory.locations[0]!);
    } finally {
      file.close();
    }
    const problems = await check(org);
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${c.name}: its rows differ from the hub's in locations`)));
  }, 60_000);
});
