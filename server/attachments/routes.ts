import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Ctx } from '../core/context.js';
import { AppError, NotFoundError } from '../errors.js';
import { IdParams, page } from '../http/contract-common.js';
import { readClaim } from '../http/idempotency.js';
import { defineRoute, type AnyRoute } from '../http/route.js';
import { getWorkOrder } from '../work-orders/repo.js';
import { Attachment, ContentQuery, UploadQuery } from './contract.js';
import { countUpload, outcomeOf } from './metrics.js';
import { attachmentRow, listAttachments, type AttachmentRow } from './repo.js';
import { uploadAttachment } from './service.js';
import { storedFile } from './storage.js';
import type { Services } from '../services.js';

/**
 * Work-order attachments over HTTP: the metadata list, the upload (raw body), and the stored
 * bytes. Files live under `<dataDir>/attachments/<storageKey>`.
 */

const TAG = 'Work orders';

/** Types a browser may render inline from our origin; anything else is sent as a download. */
const INLINE = /^(image\/(png|jpeg|webp|gif)|application\/pdf|text\/plain)$/;

function imageType(key: string): string {
  const ext = path.extname(key).toLowerCase();
  return ext === '.png' ? 'image/png' : ext === '.webp' ? 'image/webp' : 'image/jpeg';
}

type Which = 'original' | 'display' | 'thumbnail';

/** "IMG_0042.png" served as its JPEG display copy is named "IMG_0042.jpg". */
function withExt(name: string, ext: string): string {
  const current = path.extname(name);
  if (current.toLowerCase() === ext) return name;
  return (current ? name.slice(0, -current.length) : name) + ext;
}

/**
 * The attachment, with its file here: one that came from another depot (its row arrived by sync, its
 * file did not) is fetched from the organization's hub by its SHA-256 the first time it is opened.
 */
async function withFile(ctx: Ctx, services: Services, id: string): Promise<AttachmentRow> {
  const row = attachmentRow(ctx, id);
  if (row.storageKey !== '' || !services.sync) return row;
  const fetched = await services.sync.fetchFile(ctx.orgId, row);
  if (!fetched)
    throw new AppError(
      404,
      'file_not_here',
      'This file was added at another depot and has not reached the hub yet (that depot sends it when it next syncs). Try again later.',
    );
  return attachmentRow(ctx, id);
}

async function sendFile(ctx: Ctx, res: Response, row: AttachmentRow, which: Which): Promise<void> {
  // "display" is what people see: the watermarked copy of a photo, else the file itself.
  const derived = which === 'thumbnail' ? row.thumbnailKey : which === 'display' ? row.displayKey : null;
  const key = which === 'thumbnail' ? row.thumbnailKey : (derived ?? row.storageKey);
  const file = key ? storedFile(ctx.host.dataDir, key) : null;
  if (!key || !file) throw new NotFoundError(which === 'thumbnail' ? 'attachment thumbnail' : 'attachment file', row.id);
  const type = derived ? imageType(key) : row.mimeType;
  const inline = INLINE.test(type);
  const fileName = which === 'thumbnail' ? `thumb-${row.fileName}` : derived ? withExt(row.fileName, path.extname(key)) : row.fileName;
  const tag = which === 'thumbnail' ? '-t' : derived ? '-d' : '';
  res.status(200).set({
    'Content-Type': inline ? type : 'application/octet-stream',
    'Content-Length': String(fs.statSync(file).size),
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    // Uploaded bytes are never trusted as active content on the console's origin.
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    // Content is immutable per id (a new file is a new attachment), but private to signed-in users.
    'Cache-Control': 'private, max-age=3600',
    ETag: `"${row.sha256.slice(0, 32)}${tag}"`,
  });
  await pipeline(fs.createReadStream(file), res);
}

function declaredSize(req: Request): number | undefined {
  const header = req.get('content-length');
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

export const attachmentRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get',
    path: '/work-orders/:id/attachments',
    tag: TAG,
    access: 'workorder:read',
    summary: 'Photos, documents and signatures of a work order (metadata), oldest first',
    params: IdParams,
    response: page(Attachment),
    handler: ({ ctx, params }) => {
      getWorkOrder(ctx, params.id);
      return { items: listAttachments(ctx, params.id), nextCursor: null };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/work-orders/:id/attachments',
    tag: TAG,
    access: 'workorder:field',
    raw: true,
    status: 201,
    summary:
      "Upload a photo, document or signature: the request body is the file's raw bytes (any Content-Type; the host judges the content). " +
      'Limits: photo ≤ 15 MiB JPEG/PNG/WebP; document ≤ 20 MiB PDF/JPEG/PNG/WebP/plain text; signature ≤ 1 MiB PNG with signerName. ' +
      'Photos get a watermarked display copy and a thumbnail; the original is kept. The same Idempotency-Key returns the first upload (Idempotent-Replayed: true).',
    params: IdParams,
    query: UploadQuery,
    response: Attachment,
    errors: [409, 413, 415, 422],
    handler: async ({ ctx, params, query, req, res }) => {
      try {
        // express.json() already ate a body sent as JSON: those bytes are gone, so say how to send a file.
        if (req.body !== undefined) {
          throw new AppError(
            415,
            'unsupported_media_type',
            "Send the file's raw bytes with its own Content-Type (or application/octet-stream), not as application/json.",
          );
        }
        const claim = readClaim(req);
        const { attachment, replayed } = await uploadAttachment(ctx, params.id, {
          query,
          body: req,
          declaredSize: declaredSize(req),
          idempotencyKey: claim?.key,
        });
        countUpload(ctx.host, query.kind, replayed ? 'replayed' : 'stored');
        res
          .status(201)
          .set({ Location: `/api/v1/attachments/${attachment.id}/content`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) })
          .json(attachment);
        return attachment; // already sent (raw route); returned only to satisfy the declared response type
      } catch (err) {
        countUpload(ctx.host, query.kind, outcomeOf(err instanceof AppError ? err.status : 500));
        // Too big: answer and hang up rather than swallow megabytes nobody keeps. Other refusals let
        // Node read and drop the rest, since closing on unread bytes can reset the connection before
        // a phone reads the answer, and its outbox would take that for a network failure and retry.
        if (err instanceof AppError && err.status === 413 && !req.readableEnded) res.set('Connection', 'close');
        throw err;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/attachments/:id/content',
    tag: TAG,
    access: 'workorder:read',
    raw: true,
    status: 200,
    summary:
      'The attachment file: for photos the watermarked display copy, ?variant=original the bytes as uploaded (images, PDFs and text inline, anything else as a download)',
    params: IdParams,
    query: ContentQuery,
    response: null,
    handler: async ({ ctx, services, params, query, res }) => sendFile(ctx, res, await withFile(ctx, services, params.id), query.variant),
  }),
  defineRoute({
    method: 'get',
    path: '/attachments/:id/thumbnail',
    tag: TAG,
    access: 'workorder:read',
    raw: true,
    status: 200,
    summary: 'A small preview image of a photo, signature or image document; 404 when it has none',
    params: IdParams,
    response: null,
    handler: async ({ ctx, services, params, res }) => sendFile(ctx, res, await withFile(ctx, services, params.id), 'thumbnail'),
  }),
];
