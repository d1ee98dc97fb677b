import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../testing/harness.js';
import { compactAcknowledged, compactAll } from './compaction.js';

const DAY = 86_400_000;
let t: TestHost;

beforeAll(async () => {
  t = await startTestHost();
});
afterAll(() => t.close());

/** Log rows written straight in: what is tested here is which rows go, not how they were made. */
function logMutations(orgId: string, n: number, ageDays: number): number[] {
  const header = t.host.sqlite.prepare(
    "INSERT INTO mutations (id, org_id, epoch, hlc, action, actor_id, at) VALUES (?, ?, 1, ?, 'test.write', 'system:test', ?)",
  );
  const change = t.host.sqlite.prepare(
    "INSERT INTO changes (mutation_seq, n, table_name, row_id, op, fields) VALUES (?, ?, 'work_orders', ?, 'update', '{}')",
  );
  const at = t.clock.now() - ageDays * DAY;
  const seqs: number[] = [];
  t.host.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const seq = Number(header.run(crypto.randomUUID(), orgId, `${String(at).padStart(15, '0')}:00000:test`, at).lastInsertRowid);
      change.run(seq, 0, crypto.randomUUID());
      change.run(seq, 1, crypto.randomUUID());
      seqs.push(seq);
    }
  })();
  return seqs;
}

const ack = (orgId: string, seq: number) =>
  t.host.sqlite
    .prepare(
      'INSERT INTO sync_acks (org_id, acked_seq, acked_at) VALUES (?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET acked_seq = excluded.acked_seq',
    )
    .run(orgId, seq, t.clock.now());
const changesOf = (seqs: number[]) =>
  t.host.sqlite
    .prepare(`SELECT count(*) FROM changes WHERE mutation_seq IN (${seqs.join(',')})`)
    .pluck()
    .get() as number;
const headersOf = (seqs: number[]) =>
  t.host.sqlite
    .prepare(`SELECT count(*) FROM mutations WHERE seq IN (${seqs.join(',')})`)
    .pluck()
    .get() as number;

beforeEach(() => {
  t.host.sqlite.prepare('DELETE FROM sync_acks').run();
});

describe('compaction of acknowledged mutations', () => {
  it('when the hub has acknowledged nothing, then nothing is pruned, however old', async () => {
    const seqs = logMutations('org-none', 5, 400);
    expect(await compactAcknowledged(t.host, 'org-none')).toEqual({ changes: 0, mutations: 0 });
    expect(await compactAll(t.host)).toEqual({ changes: 0, mutations: 0 });
    expect(changesOf(seqs)).toBe(10);
    expect(headersOf(seqs)).toBe(5);
  });

  it('when the hub acknowledged seq N, then changes up to N are gone (in several chunks) and later ones and other orgs stay', async () => {
    const seqs = logMutations('org-a', 9, 60);
    const other = logMutations('org-b', 3, 60);
    const n = seqs[5]!;
    ack('org-a', n);
    const result = await compactAcknowledged(t.host, 'org-a', { chunk: 2 });
    expect(result).toEqual({ changes: 12, mutations: 6 });
    expect(changesOf(seqs.filter((s) => s <= n))).toBe(0);
    expect(headersOf(seqs.filter((s) => s <= n))).toBe(0);
    expect(changesOf(seqs.filter((s) => s > n))).toBe(6);
    expect(headersOf(seqs.filter((s) => s > n))).toBe(3);
    expect(changesOf(other)).toBe(6);
    expect(t.host.sqlite.prepare('SELECT count(*) FROM change_compaction_gate').pluck().get()).toBe(0);
  });

  it('when acknowledged headers are younger than the replay horizon, then their changes go and the headers stay', async () => {
    const old = logMutations('org-c', 2, 31);
    const young = logMutations('org-c', 3, 29);
    ack('org-c', young.at(-1)!);
    expect(await compactAll(t.host)).toEqual({ changes: 10, mutations: 2 });
    expect(headersOf(old)).toBe(0);
    expect(headersOf(young)).toBe(3);
    expect(changesOf(young)).toBe(0);
    // A shorter horizon (config) lets them go.
    expect(await compactAcknowledged(t.host, 'org-c', { replayHorizonDays: 7 })).toEqual({ changes: 0, mutations: 3 });
    expect(headersOf(young)).toBe(0);
  });

  it('when a delete is tried without the gate, then the append-only triggers refuse it', () => {
    const [seq] = logMutations('org-d', 1, 90);
    ack('org-d', seq!);
    expect(() => t.host.sqlite.prepare('DELETE FROM changes WHERE mutation_seq = ?').run(seq)).toThrow(/changes is append-only/);
    expect(() => t.host.sqlite.prepare('DELETE FROM mutations WHERE seq = ?').run(seq)).toThrow(/mutations is append-only/);
    // The gate opened for another org, or below the row, lets nothing of this org through.
    t.host.sqlite.prepare('INSERT INTO change_compaction_gate (org_id, through_seq) VALUES (?, ?)').run('org-x', seq);
    expect(() => t.host.sqlite.prepare('DELETE FROM mutations WHERE seq = ?').run(seq)).toThrow(/mutations is append-only/);
    t.host.sqlite.prepare('DELETE FROM change_compaction_gate').run();
    expect(changesOf([seq!])).toBe(2);
  });
});
