import { createHash } from 'node:crypto';
import type { HubTx } from '../db/pool.js';
import { AppError } from '../../errors.js';

/**
 * Attachment files by content at the hub (docs/sync.md "Attachments"): per org and SHA-256, stored
 * in PostgreSQL in the parts the depot sent (so the hub's backups hold them, and row-level security
 * keeps each org's apart). An upload names the whole size up front; each part must start where the
 * last one ended, so a depot whose upload was cut asks for `received` and goes on from there. The
 * last part completes the blob only when all parts hash to its name; else the whole blob is dropped.
 */

export const BLOB_MAX_BYTES = 64 * 1024 * 1024;
export const BLOB_PART_MAX_BYTES = 1024 * 1024;
export const SHA256_RE = /^[0-9a-f]{64}$/;

export interface BlobStatus {
  size: number | null;
  received: number;
  complete: boolean;
}

export async function blobStatus(tx: HubTx, orgId: string, sha256: string): Promise<BlobStatus> {
  const r = await tx.client.query<{ size: string; received: string; complete: boolean }>(
    'SELECT size, received, complete FROM blobs WHERE org_id = $1 AND sha256 = $2',
    [orgId, sha256],
  );
  const row = r.rows[0];
  return row
    ? { size: Number(row.size), received: Number(row.received), complete: row.complete }
    : { size: null, received: 0, complete: false };
}

/** Appends one part at `offset`; the blob's row is locked for the whole transaction, so parts of one blob never race. */
export async function appendPart(
  tx: HubTx,
  ctx: { orgId: string; now: number },
  sha256: string,
  size: number,
  offset: number,
  data: Buffer,
): Promise<BlobStatus> {
  const { client } = tx;
  await client.query(
    `INSERT INTO blobs (org_id, sha256, size, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, sha256) DO NOTHING`,
    [ctx.orgId, sha256, size, ctx.now],
  );
  const locked = await client.query<{ size: string; received: string; complete: boolean }>(
    'SELECT size, received, complete FROM blobs WHERE org_id = $1 AND sha256 = $2 FOR UPDATE',
    [ctx.orgId, sha256],
  );
  const row = locked.rows[0]!;
  const status = { size: Number(row.size), received: Number(row.received), complete: row.complete };
  if (status.complete) return status; // another depot (or an earlier copy of this request) finished it
  if (status.size !== size)
    throw new AppError(409, 'blob_size_differs', `This file was started as ${status.size} bytes, not ${size}.`, [], { ...status });
  if (offset !== status.received)
    throw new AppError(409, 'blob_offset', `The hub has ${status.received} bytes of this file; send from there.`, [], { ...status });
  if (data.length === 0 || offset + data.length > size)
    throw new AppError(400, 'blob_part', `A part must hold 1 to ${size - offset} bytes at offset ${offset}.`);
  await client.query('INSERT INTO blob_parts (org_id, sha256, "offset", data) VALUES ($1, $2, $3, $4)', [ctx.orgId, sha256, offset, data]);
  const received = offset + data.length;
  if (received < size) {
    await client.query('UPDATE blobs SET received = $3 WHERE org_id = $1 AND sha256 = $2', [ctx.orgId, sha256, received]);
    return { ...status, received };
  }
  const hash = createHash('sha256');
  for await (const part of readParts(tx, ctx.orgId, sha256)) hash.update(part);
  if (hash.digest('hex') !== sha256) {
    await client.query('DELETE FROM blob_parts WHERE org_id = $1 AND sha256 = $2', [ctx.orgId, sha256]);
    await client.query('DELETE FROM blobs WHERE org_id = $1 AND sha256 = $2', [ctx.orgId, sha256]);
    throw new AppError(
      422,
      'blob_hash_mismatch',
      'The parts sent do not hash to the SHA-256 they were sent under; the upload was discarded.',
    );
  }
  await client.query('UPDATE blobs SET received = $3, complete = true WHERE org_id = $1 AND sha256 = $2', [ctx.orgId, sha256, received]);
  return { size, received, complete: true };
}

/** The parts in order, a few at a time (a 64 MB file is never in memory whole). */
export async function* readParts(tx: HubTx, orgId: string, sha256: string): AsyncGenerator<Buffer> {
  let offset = -1;
  for (;;) {
    const r = await tx.client.query<{ offset: string; data: Buffer }>(
      'SELECT "offset", data FROM blob_parts WHERE org_id = $1 AND sha256 = $2 AND "offset" > $3 ORDER BY "offset" LIMIT 8',
      [orgId, sha256, offset],
    );
    if (r.rows.length === 0) return;
    for (const p of r.rows) yield p.data;
    offset = Number(r.rows[r.rows.length - 1]!.offset);
  }
}
