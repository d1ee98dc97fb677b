import { describe, expect, it } from 'vitest';
import type { ContentPage, ContentQuery, PullRow } from './contract-protocol.js';
import { BucketDigest, rowContent } from './content-hash.js';
import { CONTENT_ROWS_PER_CHECK, checkDrift, type DriftStore } from './drift-check.js';
import type { DriftSummary } from './drift.js';
import type { ContentTable } from './drift-content.js';
import type { HubClient } from './hub-client.js';

type Rows = Map<string, Record<string, unknown>>;
const id = (i: number) => `r${String(i).padStart(6, '0')}`;
const TABLES: ContentTable[] = [
  { table: 'locations', columns: ['name'] },
  { table: 'work_orders', columns: ['title', 'tags'] },
];

function table(n: number, f: (i: number) => Record<string, unknown>): Rows {
  return new Map(Array.from({ length: n }, (_, i) => [id(i), f(i)]));
}

/** The hub's side as drift-content.ts serves it, over in-memory rows; `content` null plays an old hub. */
function fakeHub(hub: Record<string, Rows>, opts: { old?: boolean } = {}) {
  const calls: ContentQuery[] = [];
  const client = {
    checksums: () => Promise.resolve({ version: 7, tables: [] }),
    content(q: ContentQuery): Promise<ContentPage | null> {
      if (opts.old) return Promise.resolve(null);
      calls.push(q);
      const ids = [...(hub[q.t]?.keys() ?? [])].filter((r) => r > q.after).sort();
      const want = q.bucket * q.buckets;
      const buckets: ContentPage['buckets'] = [];
      for (let i = 0; i < Math.min(want, ids.length); i += q.bucket) {
        const slice = ids.slice(i, Math.min(i + q.bucket, want));
        const d = new BucketDigest();
        for (const r of slice) d.add(r, rowContent(hub[q.t]!.get(r)!, q.columns));
        buckets.push({ first: slice[0]!, last: slice.at(-1)!, count: d.count, md5: d.digest() });
      }
      return Promise.resolve({ buckets, more: ids.length > want });
    },
    rowsById(body: { t: string; ids: string[] }) {
      const rows = body.ids.filter((r) => hub[body.t]?.has(r)).map((r): PullRow => ({ t: body.t, r, v: 1, f: hub[body.t]!.get(r)! }));
      return Promise.resolve({ rows, facts: [] });
    },
  };
  return { client: client as unknown as HubClient, calls };
}

function fakeStore(local: Record<string, Rows>, last: DriftSummary | null = null) {
  const recorded: DriftSummary[] = [];
  const store: DriftStore = {
    cursor: () => ({ after: 7 }),
    pending: () => 0,
    driftChecksums: () => Promise.resolve(new Map()),
    driftIds: () => Promise.resolve([]),
    driftApply: () => 0,
    driftRepair(t, rows) {
      for (const r of rows) local[t.table]!.set(r.r, r.f);
      return rows.length;
    },
    driftContentTables: () => TABLES,
    driftBucket(t, first, last) {
      const d = new BucketDigest();
      const contents = new Map<string, string>();
      for (const [r, f] of [...local[t.table]!].sort(([x], [y]) => (x < y ? -1 : 1))) {
        if (r < first || r > last) continue;
        const c = rowContent(f, t.columns);
        contents.set(r, c);
        d.add(r, c);
      }
      return { count: d.count, md5: d.digest(), contents };
    },
    driftCursor: () => last?.contentCursor ?? null,
    driftRecord: (s) => recorded.push(s),
  };
  return { store, recorded };
}

describe('the drift check, contents', () => {
  it('when fields differ, then only the rows that differ are re-fetched, and keys in another order or a missing field read as equal', async () => {
    const hub = {
      locations: table(1_200, (i) => ({ name: `L${i}` })),
      work_orders: table(30, (i) => ({ title: `W${i}`, tags: { b: 1, a: [i] } })),
    };
    const local = {
      locations: table(1_200, (i) => ({ name: i === 777 ? 'edited by hand' : `L${i}` })),
      work_orders: table(30, (i) => ({ tags: { a: [i], b: 1 }, title: i === 3 ? 'forged' : `W${i}`, extra: 'not compared' })),
    };
    const { client } = fakeHub(hub);
    const { store } = fakeStore(local);
    const s = await checkDrift(client, store);
    expect(s).toMatchObject({ mismatched: ['locations', 'work_orders'], compared: 1_230, repaired: 2, contentCursor: null });
    expect(local.locations.get(id(777))).toEqual({ name: 'L777' });
    expect(local.work_orders.get(id(3))?.title).toBe('W3');
    expect(await checkDrift(client, store)).toMatchObject({ mismatched: [], repaired: 0 });
  });

  it('when a table is larger than one check compares, then the check stops at its budget and the next one resumes there', async () => {
    const n = CONTENT_ROWS_PER_CHECK + 5_000;
    const hub = { locations: table(n, (i) => ({ name: `L${i}` })), work_orders: table(10, (i) => ({ title: `W${i}`, tags: null })) };
    const local = {
      locations: table(n, (i) => ({ name: i === n - 1 ? 'drifted at the very end' : `L${i}` })),
      work_orders: table(10, (i) => ({ title: `W${i}` })),
    };
    const { client, calls } = fakeHub(hub);
    const first = await checkDrift(client, fakeStore(local).store);
    expect(first).toMatchObject({
      compared: CONTENT_ROWS_PER_CHECK,
      repaired: 0,
      contentCursor: { t: 'locations', after: id(CONTENT_ROWS_PER_CHECK - 1) },
    });
    calls.length = 0;
    const second = await checkDrift(client, fakeStore(local, first).store);
    expect(calls[0]).toMatchObject({ t: 'locations', after: id(CONTENT_ROWS_PER_CHECK - 1) });
    expect(second).toMatchObject({ compared: 5_010, repaired: 1, mismatched: ['locations'], contentCursor: null });
    expect(local.locations.get(id(n - 1))).toEqual({ name: `L${n - 1}` });
  });

  it('when the hub is a release too old to compare contents, then the id check alone is recorded', async () => {
    const local = { locations: table(5, () => ({ name: 'x' })), work_orders: table(1, () => ({ title: 'y' })) };
    const { store, recorded } = fakeStore(local);
    expect(await checkDrift(fakeHub({}, { old: true }).client, store)).toMatchObject({ compared: 0, repaired: 0, mismatched: [] });
    expect(recorded).toHaveLength(1);
  });
});

describe("a row's content as both sides hash it", () => {
  it('then key order, undefined and a missing field do not count, and a Date is its epoch ms', () => {
    expect(rowContent({ a: { y: 1, x: [1, { q: 2, p: undefined }] }, b: undefined }, ['a', 'b', 'c'])).toBe(
      rowContent({ a: { x: [1, { q: 2 }], y: 1 } }, ['a', 'b', 'c']),
    );
    expect(rowContent({ t: new Date(5) }, ['t'])).toBe('[5]');
    expect(rowContent({ a: 'x' }, ['a'])).not.toBe(rowContent({ a: 'y' }, ['a']));
  });
});
