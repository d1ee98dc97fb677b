import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { and, asc, eq } from 'drizzle-orm';
import { attachments, users } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { NotFoundError } from '../errors.js';
import { IdParams, iso, page } from '../http/contract-common.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { Attachment, type AttachmentDto } from './contract-attachments.js';
import { findWorkOrder, getWorkOrder } from './repo.js';

/**
 * Read side of work-order attachments: the metadata list and the stored bytes. Uploads arrive with
 * the crew view; files live under `<dataDir>/attachments/<storageKey>`.
 */

const TAG = 'Work orders';

/** Types a browser may render inline from our origin; anything else is sent as a download. */
const INLINE = /^(image\/(png|jpeg|webp|gif)|application\/pdf|text\/plain)$/;

function listAttachments(ctx: Ctx, workOrderId: string): AttachmentDto[] {
  return ctx.host.db
    .select({ a: attachments, uploadedByName: users.name })
    .from(attachments)
    .leftJoin(users, eq(users.id, attachments.uploadedBy))
    .where(and(eq(attachments.workOrderId, workOrderId), eq(attachments.orgId, ctx.orgId)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id))
    .all()
    .map(({ a, uploadedByName }) => ({
      id: a.id,
      workOrderId: a.workOrderId,
      kind: a.kind,
      fileName: a.fileName,
      mimeType: a.mimeType,
      sizeBytes: a.sizeBytes,
      sha256: a.sha256,
      hasThumbnail: a.thumbnailKey !== null,
      uploadedBy: a.uploadedBy,
      uploadedByName: uploadedByName ?? null,
      createdAt: iso(a.createdAt),
      meta: a.meta ?? null,
    }));
}

/** The attachment row, only if it is this org's AND its work order is one the caller may see (else 404). */
function attachmentRow(ctx: Ctx, id: string) {
  const row = ctx.host.db
    .select()
    .from(attachments)
    .where(and(eq(attachments.id, id), eq(attachments.orgId, ctx.orgId)))
    .get();
  if (!row || !findWorkOrder(ctx, row.workOrderId)) throw new NotFoundError('attachment', id);
  return row;
}

/** Resolves a storage key inside the attachments folder; a key that climbs out of it is "not found". */
function storedFile(ctx: Ctx, key: string): string | null {
  const root = path.resolve(ctx.host.dataDir, 'attachments');
  const file = path.resolve(root, key);
  if (!file.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function thumbnailType(key: string): string {
  const ext = path.extname(key).toLowerCase();
  return ext === '.png' ? 'image/png' : ext === '.webp' ? 'image/webp' : 'image/jpeg';
}

async function sendFile(
  ctx: Ctx,
  res: import('express').Response,
  row: typeof attachments.$inferSelect,
  which: 'content' | 'thumbnail',
): Promise<void> {
  const key = which === 'content' ? row.storageKey : row.thumbnailKey;
  const file = key ? storedFile(ctx, key) : null;
  if (!key || !file) throw new NotFoundError(which === 'content' ? 'attachment file' : 'attachment thumbnail', row.id);
  const type = which === 'content' ? row.mimeType : thumbnailType(key);
  const inline = INLINE.test(type);
  const name = encodeURIComponent(which === 'content' ? row.fileName : `thumb-${row.fileName}`);
  res.status(200).set({
    'Content-Type': inline ? type : 'application/octet-stream',
    'Content-Length': String(fs.statSync(file).size),
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${name}`,
    // Uploaded bytes are never trusted as active content on the console's origin.
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    // Content is immutable per id (a new file is a new attachment), but private to signed-in users.
    'Cache-Control': 'private, max-age=3600',
    ETag: `"${row.sha256.slice(0, 32)}${which === 'thumbnail' ? '-t' : ''}"`,
  });
  await pipeline(fs.createReadStream(file), res);
}

export const attachmentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/work-orders/:id/attachments', tag: TAG, access: 'workorder:read',
    summary: 'Photos, documents and signatures of a work order (metadata), oldest first',
    params: IdParams, response: page(Attachment),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listAttachments(ctx, params.id), nextCursor: null };
    },
  }),
  defineRoute({
    method: 'get', path: '/attachments/:id/content', tag: TAG, access: 'workorder:read', raw: true, status: 200,
    summary: 'The attachment file as uploaded (images and PDFs inline, anything else as a download)',
    params: IdParams, response: null,
    handler: ({ ctx, params, res }) => sendFile(ctx, res, attachmentRow(ctx, params.id), 'content'),
  }),
  defineRoute({
    method: 'get', path: '/attachments/:id/thumbnail', tag: TAG, access: 'workorder:read', raw: true, status: 200,
    summary: 'A small preview image of a photo attachment; 404 when it has none',
    params: IdParams, response: null,
    handler: ({ ctx, params, res }) => sendFile(ctx, res, attachmentRow(ctx, params.id), 'thumbnail'),
  }),
];
