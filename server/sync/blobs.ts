import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Host } from '../core/context.js';
import { thumbnailOnly } from '../attachments/images.js';
import { keyPath, storageKey, storedFile } from '../attachments/storage.js';
import type { AttachmentKind } from '../attachments/contract.js';
import { runSyncApply } from './apply-scope.js';

/**
 * Attachment files by content (docs/sync.md "Attachments"): the depot that holds a photo, document or
 * signature uploads it to the hub once per SHA-256 (parts of 1 MiB, resumed from what the hub has after
 * a cut); a depot that received only the attachment's row fetches the file from the hub the first
 * time someone opens it, checks it against the row's SHA-256 and size, and keeps it.
 */

export const BLOB_PART_BYTES = 1024 * 1024;

export interface BlobToSend {
  sha256: string;
  size: number;
  file: string;
}

/** Files of this org's attachments present here and not yet handed to the hub, oldest first. */
export function blobsToSend(host: Host, orgId: string, limit: number): BlobToSend[] {
  const rows = host.sqlite
    .prepare(
      `SELECT a.sha256, max(a.size_bytes) AS size, min(a.storage_key) AS key FROM attachments a
        WHERE a.org_id = ? AND a.storage_key <> '' AND NOT EXISTS (SELECT 1 FROM sync_blobs b WHERE b.sha256 = a.sha256)
        GROUP BY a.sha256 ORDER BY min(a.created_at) LIMIT ?`,
    )
    .all(orgId, limit) as { sha256: string; size: number; key: string }[];
  const out: BlobToSend[] = [];
  for (const r of rows) {
    const file = storedFile(host.dataDir, r.key);
    // A row whose file is gone here (a restore without attachments) cannot be sent; it is not retried.
    if (!file) markBlob(host, orgId, r.sha256, 'refused', 'the file is not in this depot’s attachments folder');
    else out.push({ sha256: r.sha256, size: r.size, file });
  }
  return out;
}

export function markBlob(host: Host, orgId: string, sha256: string, state: 'sent' | 'refused', message: string | null = null): void {
  host.commits.run(() =>
    host.sqlite
      .prepare(
        `INSERT INTO sync_blobs (sha256, org_id, state, message, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET state = excluded.state, message = excluded.message, at = excluded.at`,
      )
      .run(sha256, orgId, state, message, host.clock.now()),
  );
}

/** Bytes [offset, offset + length) of a file. */
export function readPart(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = fs.readSync(fd, buf, 0, length, offset);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export interface RemoteAttachment {
  id: string;
  kind: AttachmentKind;
  mimeType: string;
  sha256: string;
  sizeBytes: number;
  fileName: string;
  createdAt: number;
}

/**
 * Keeps a file fetched from the hub as the attachment's original: checked against the row's SHA-256
 * and size first (a hub cannot hand a depot other bytes under a known attachment), written beside the
 * depot's own uploads, and the row's local storage key set, as a received value (no change-log row).
 * Returns the storage key.
 */
export async function keepFetched(host: Host, orgId: string, a: RemoteAttachment, bytes: Buffer): Promise<string> {
  if (bytes.length !== a.sizeBytes || createHash('sha256').update(bytes).digest('hex') !== a.sha256)
    throw new Error(`The hub's file for attachment ${a.id} does not match its size and SHA-256.`);
  const ext = (
    path
      .extname(a.fileName)
      .slice(1)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '') || 'bin'
  ).slice(0, 8);
  const key = storageKey(a.id, a.createdAt, 'original', ext);
  const file = keyPath(host.dataDir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.part`;
  fs.writeFileSync(tmp, bytes, { mode: 0o600 });
  fs.renameSync(tmp, file);
  // A preview for lists and the drawer, made here as the uploading depot made its own; the watermarked
  // display copy is the origin's (its text is the origin's time and place), so the original stands in.
  let thumbKey: string | null = null;
  if (a.mimeType.startsWith('image/')) {
    const candidate = storageKey(a.id, a.createdAt, 'thumb', a.kind === 'signature' ? 'png' : 'jpg');
    try {
      await thumbnailOnly(file, a.kind, a.mimeType, keyPath(host.dataDir, candidate));
      thumbKey = candidate;
    } catch {
      // An image sharp cannot read (a format this build lacks): the attachment is served without a preview.
    }
  }
  runSyncApply(host, orgId, 'sync.file_fetched', 'blob', (touched) => {
    host.sqlite
      .prepare(
        "UPDATE attachments SET storage_key = ?, thumbnail_key = coalesce(thumbnail_key, ?) WHERE id = ? AND org_id = ? AND storage_key = ''",
      )
      .run(key, thumbKey, a.id, orgId);
    touched.tables.add('attachments');
  });
  return key;
}
