import type { PullRow, RowsByIdAnswer } from './contract-protocol.js';
import { rowContent } from './content-hash.js';
import type { DriftSummary, TableChecksum } from './drift.js';
import type { ContentTable, LocalBucket } from './drift-content.js';
import type { HubClient } from './hub-client.js';

/** What the drift check needs of the depot (store.ts implements it with drift.ts and drift-content.ts). */
export interface DriftStore {
  /** Where the hub's pulls have reached this depot, and mutations not yet acknowledged. */
  cursor(): { after: number };
  pending(): number;
  /** Per-table counts and id checksums, ids of one table, the repair. */
  driftChecksums(): Promise<Map<string, TableChecksum>>;
  driftIds(table: string): Promise<string[]>;
  driftApply(answer: RowsByIdAnswer): number;
  /** Applies hub rows of a differing bucket, fields the hub lacks as null (drift-content.ts withNulls); rows changed. */
  driftRepair(table: ContentTable, rows: PullRow[]): number;
  /** Entity tables and the columns their contents are compared on; one range's local digest. */
  driftContentTables(): ContentTable[];
  driftBucket(table: ContentTable, first: string, last: string): LocalBucket;
  /** Where the last check's contents pass stopped (it resumes there), and recording a result. */
  driftCursor(): { t: string; after: string } | null;
  driftRecord(summary: DriftSummary): void;
}

/**
 * Contents are compared on at most this many rows per check, resuming where the last one stopped:
 * a depot of 100,000 work orders is covered over a few checks instead of reading every field of every
 * row each hour on both sides (the hub serves every depot of the org).
 */
export const CONTENT_ROWS_PER_CHECK = 50_000;
const BUCKET = 500;

/**
 * Compares this depot's rows per table with the hub's and repairs what differs. First the ids (a
 * count and MD5 per table; on a mismatch the ids page by page): rows missing here are fetched. Then
 * the contents (drift-content.ts): the hub hashes its rows in buckets of 500 over the fields this
 * depot's release has; a bucket that differs is fetched and the rows whose fields differ are applied
 * as a pull would (fields with local edits still pending are kept). Rows only here are counted,
 * never deleted. Only at a moment both sides agree on: the hub's version is this depot's cursor and
 * nothing is pending, else null until a quieter cycle.
 */
export async function checkDrift(client: HubClient, store: DriftStore): Promise<DriftSummary | null> {
  const hub = await client.checksums();
  if (!hub || hub.version !== store.cursor().after || store.pending() > 0) return null;
  const local = await store.driftChecksums();
  // Read a page at a time with the event loop free: a write meanwhile would read as drift.
  if (store.pending() > 0) return null;
  const theirs = new Map(hub.tables.map((t) => [t.t, t]));
  const summary: DriftSummary = {
    tables: local.size,
    mismatched: [],
    fetched: 0,
    onlyHere: {},
    repaired: 0,
    compared: 0,
    contentCursor: null,
  };
  for (const [table, mine] of local) {
    const other = theirs.get(table);
    if ((other?.count ?? 0) === mine.count && (other?.md5 ?? '') === mine.md5) continue;
    summary.mismatched.push(table);
    await repairIds(client, store, table, summary);
  }
  await compareContents(client, store, summary);
  summary.mismatched = [...new Set(summary.mismatched)].sort();
  store.driftRecord(summary);
  return summary;
}

async function repairIds(client: HubClient, store: DriftStore, table: string, summary: DriftSummary): Promise<void> {
  const hubIds: string[] = [];
  for (let after = ''; ;) {
    const page = await client.ids({ t: table, after, limit: 5_000 });
    hubIds.push(...page.ids);
    if (!page.more || page.ids.length === 0) break;
    after = page.ids[page.ids.length - 1]!;
  }
  const here = new Set(await store.driftIds(table));
  const there = new Set(hubIds);
  const missing = hubIds.filter((id) => !here.has(id));
  for (let i = 0; i < missing.length; i += 500) {
    summary.fetched += store.driftApply(await client.rowsById({ t: table, ids: missing.slice(i, i + 500) }));
  }
  const extra = [...here].filter((id) => !there.has(id)).length;
  if (extra) summary.onlyHere[table] = extra;
}

async function compareContents(client: HubClient, store: DriftStore, summary: DriftSummary): Promise<void> {
  const tables = store.driftContentTables();
  const resume = store.driftCursor();
  let index = Math.max(0, resume ? tables.findIndex((t) => t.table === resume.t) : 0);
  let after = resume && tables[index]?.table === resume.t ? resume.after : '';
  let budget = CONTENT_ROWS_PER_CHECK;
  // Once round the tables at most, starting where the last check stopped.
  for (let visited = 0; visited < tables.length && budget > 0;) {
    const table = tables[index]!;
    const page = await client.content({
      t: table.table,
      columns: table.columns,
      after,
      bucket: BUCKET,
      buckets: Math.max(1, Math.min(40, Math.ceil(budget / BUCKET))),
    });
    if (!page) return; // a hub too old to compare contents: the id check is all it offers
    for (const b of page.buckets) {
      budget -= b.count;
      summary.compared += b.count;
      after = b.last;
      const mine = store.driftBucket(table, b.first, b.last);
      if (mine.count === b.count && mine.md5 === b.md5) continue;
      const repaired = await repairBucket(client, store, table, mine);
      if (repaired > 0) {
        summary.repaired += repaired;
        summary.mismatched.push(table.table);
      }
    }
    if (page.more && budget > 0) continue;
    if (page.more) {
      summary.contentCursor = { t: table.table, after };
      return;
    }
    visited++;
    index = (index + 1) % tables.length;
    after = '';
  }
  summary.contentCursor = budget > 0 ? null : { t: tables[index]!.table, after };
}

/** Fetches the hub's rows of a differing bucket and applies those whose fields differ from ours. */
async function repairBucket(client: HubClient, store: DriftStore, table: ContentTable, mine: LocalBucket): Promise<number> {
  const ids = [...mine.contents.keys()];
  if (ids.length === 0) return 0;
  const answer = await client.rowsById({ t: table.table, ids });
  const differing = answer.rows.filter((r) => !r.gone && rowContent(r.f, table.columns) !== mine.contents.get(r.r));
  // A local write landed while we read: its fields are pending and the apply would keep them anyway,
  // but the next quiet check is the one to trust.
  if (differing.length === 0 || store.pending() > 0) return 0;
  // What the apply changed, not what differed: a difference it cannot settle (a column the hub lacks
  // and this depot may not clear) is not a repair, and would otherwise be counted at every check.
  return store.driftRepair(table, differing);
}
