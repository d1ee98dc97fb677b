import type { HubTx } from '../db/pool.js';
import type { ContentPage, ContentQuery } from '../../sync/contract-protocol.js';
import { BucketDigest, rowContent } from '../../sync/content-hash.js';

/**
 * The hub's side of the content check (docs/sync.md "Drift"): the org's live rows of one table in id
 * order, cut into buckets, each hashed over its ids and the columns the depot named. A depot compares
 * each bucket with its own and fetches only the rows of a bucket that differs. Read under the
 * credential's org (withOrg), like a pull.
 */
export async function readContent(tx: HubTx, orgId: string, q: ContentQuery): Promise<ContentPage> {
  const want = q.bucket * q.buckets;
  const res = await tx.client.query<{ r: string; fields: Record<string, unknown> }>(
    `SELECT row_id AS r, fields FROM rows
      WHERE org_id = $1 AND tbl = $2 AND NOT gone AND row_id COLLATE "C" > $3
      ORDER BY row_id COLLATE "C" LIMIT $4`,
    [orgId, q.t, q.after, want + 1],
  );
  const rows = res.rows.slice(0, want);
  const buckets: ContentPage['buckets'] = [];
  for (let i = 0; i < rows.length; i += q.bucket) {
    const slice = rows.slice(i, i + q.bucket);
    const digest = new BucketDigest();
    for (const row of slice) digest.add(row.r, rowContent(row.fields, q.columns));
    buckets.push({ first: slice[0]!.r, last: slice.at(-1)!.r, count: digest.count, md5: digest.digest() });
  }
  return { buckets, more: res.rows.length > want };
}
