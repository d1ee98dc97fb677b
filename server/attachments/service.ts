import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { attachments, uploadKeys } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { AppError, UnprocessableError } from '../errors.js';
import { iso } from '../http/contract-common.js';
import type { WorkOrderRow } from '../work-orders/dto.js';
import { assertOpen, loadForWrite } from '../work-orders/guards.js';
import { getWorkOrder } from '../work-orders/repo.js';
import { UPLOAD_LIMITS, type AttachmentDto, type AttachmentKind, type AttachmentMetaDto, type UploadQueryInput } from './contract.js';
import { localStamp, locationText, processPhoto, thumbnailOnly, type ImageFacts } from './images.js';
import { attachmentForKey, listAttachments, timeZoneOf, type AttachmentRow } from './repo.js';
import { sniff } from './sniff.js';
import { keyPath, PayloadTooLargeError, receiveBody, removeQuietly, storageKey } from './storage.js';

/**
 * Uploads from the crew: photos, documents, signatures. The cheap refusals (scope, state, replay,
 * declared size) come before a single byte is read; the bytes go to a temp file, are judged by
 * their content, processed, moved into place, and only then is the row written — and if that
 * write fails, the files go again, so a file never exists without its row.
 */

const KIND_LABEL: Record<AttachmentKind, string> = { photo: 'A photo', document: 'A document', signature: 'A signature' };
/** A phone clock a little ahead of the host is normal; a photo "taken" tomorrow is not. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface UploadRequest {
  query: UploadQueryInput;
  body: Readable;
  /** From Content-Length, when the client sent one. */
  declaredSize?: number | undefined;
  idempotencyKey?: string | undefined;
}

export interface UploadResult {
  attachment: AttachmentDto;
  /** True when an earlier upload with the same Idempotency-Key is returned instead of storing this one. */
  replayed: boolean;
}

function dtoOf(ctx: Ctx, row: AttachmentRow): AttachmentDto {
  const dto = listAttachments(ctx, row.workOrderId, row.id)[0];
  if (!dto) throw new Error(`attachment ${row.id} vanished after it was written`);
  return dto;
}

/** Where uploads stop: finished work takes no more proof, except a late photo or signature right after completing. */
function assertAcceptsUploads(wo: WorkOrderRow): void {
  assertOpen(wo, 'add an attachment', true);
}

function replayOf(ctx: Ctx, workOrderId: string, row: AttachmentRow): UploadResult {
  if (row.workOrderId !== workOrderId) {
    throw new AppError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for an upload to another work order. Use a new key for a new upload.',
    );
  }
  return { attachment: dtoOf(ctx, row), replayed: true };
}

/** Refusals that need no bytes: the rules of the query, and the size the client announced. */
function checkBeforeReading(ctx: Ctx, req: UploadRequest): void {
  const { query } = req;
  if (query.kind === 'signature' && !query.signerName) {
    throw new UnprocessableError(
      'signer_name_required',
      'A signature needs the name of the person who signed: send signerName (1–120 characters).',
      [{ field: 'query.signerName', message: 'required for a signature' }],
    );
  }
  if (query.takenAt && Date.parse(query.takenAt) > ctx.host.clock.now() + FUTURE_SLACK_MS) {
    throw new UnprocessableError('taken_at_in_future', "takenAt is in the future; check the phone's clock.", [
      { field: 'query.takenAt', message: 'must not be in the future' },
    ]);
  }
  const limit = UPLOAD_LIMITS[query.kind];
  if (req.declaredSize !== undefined && req.declaredSize > limit) throw new PayloadTooLargeError(limit, KIND_LABEL[query.kind]);
  if (req.declaredSize === 0) throw emptyUpload();
}

function emptyUpload(): AppError {
  return new UnprocessableError('empty_upload', "The upload is empty: send the file's bytes as the request body.");
}

export async function uploadAttachment(ctx: Ctx, workOrderId: string, req: UploadRequest): Promise<UploadResult> {
  const wo = getWorkOrder(ctx, workOrderId);
  if (req.idempotencyKey) {
    // Before the state check: a phone replaying an upload that went through before the work was closed still gets its answer.
    const earlier = attachmentForKey(ctx, req.idempotencyKey);
    if (earlier) return replayOf(ctx, workOrderId, earlier);
  }
  assertAcceptsUploads(wo);
  checkBeforeReading(ctx, req);

  const { query } = req;
  const received = await receiveBody(req.body, ctx.host.dataDir, UPLOAD_LIMITS[query.kind], KIND_LABEL[query.kind]);
  const written: string[] = [received.file];
  try {
    if (received.size === 0) throw emptyUpload();
    const type = await sniff(received.file, query.kind, received.isText);
    const id = newId();
    const now = ctx.host.clock.now();
    const keys = {
      original: storageKey(id, now, 'original', type.ext),
      display: query.kind === 'photo' ? storageKey(id, now, 'display', 'jpg') : null,
      thumb: type.image ? storageKey(id, now, 'thumb', query.kind === 'signature' ? 'png' : 'jpg') : null,
    };
    fs.mkdirSync(path.dirname(keyPath(ctx.host.dataDir, keys.original)), { recursive: true });
    let facts: ImageFacts | null = null;
    if (keys.display && keys.thumb) {
      const out = { display: keyPath(ctx.host.dataDir, keys.display), thumb: keyPath(ctx.host.dataDir, keys.thumb) };
      written.push(out.display, out.thumb);
      const takenAt = query.takenAt ? Date.parse(query.takenAt) : now;
      facts = await processPhoto(received.file, type.mime, out, {
        line1: `${wo.number} · ${localStamp(takenAt, timeZoneOf(ctx, wo))}`,
        line2: locationText(query.lat, query.lon, query.accuracyM),
      });
    } else if (keys.thumb) {
      const thumb = keyPath(ctx.host.dataDir, keys.thumb);
      written.push(thumb);
      facts = await thumbnailOnly(received.file, query.kind, type.mime, thumb);
    }
    const original = keyPath(ctx.host.dataDir, keys.original);
    fs.renameSync(received.file, original);
    written[0] = original;

    const meta: AttachmentMetaDto = {
      takenAt: query.takenAt ? iso(Date.parse(query.takenAt)) : null,
      lat: query.lat ?? null,
      lon: query.lon ?? null,
      accuracyM: query.accuracyM ?? null,
      signerName: query.kind === 'signature' ? (query.signerName ?? null) : null,
      width: facts?.width ?? null,
      height: facts?.height ?? null,
      watermarked: keys.display !== null,
      hasOriginal: keys.display !== null,
    };
    const result = mutate(
      ctx,
      'attachment.added',
      (w): { row: AttachmentRow; replayed: boolean } => {
        const current = loadForWrite(ctx, w, workOrderId);
        if (req.idempotencyKey) {
          // Two sends of the same upload can race past the first check; the loser returns the winner's row.
          const earlier = attachmentForKey(ctx, req.idempotencyKey);
          if (earlier) return { row: earlier, replayed: true };
        }
        assertAcceptsUploads(current);
        const row = w.insert(attachments, {
          id,
          workOrderId,
          kind: query.kind,
          fileName: query.fileName,
          mimeType: type.mime,
          sizeBytes: received.size,
          sha256: received.sha256,
          storageKey: keys.original,
          thumbnailKey: keys.thumb,
          displayKey: keys.display,
          meta,
          uploadedBy: ctx.actor.userId,
        });
        if (req.idempotencyKey && ctx.actor.userId) {
          // Host-local bookkeeping like the HTTP idempotency store: not a domain row, so no audit or change-log entry.
          ctx.host.db
            .insert(uploadKeys)
            .values({ orgId: ctx.orgId, userId: ctx.actor.userId, key: req.idempotencyKey, attachmentId: id, createdAt: w.now })
            .run();
        }
        w.event(workOrderId, 'attachment_added', {
          data: {
            attachmentId: id,
            kind: query.kind,
            fileName: query.fileName,
            ...(query.kind === 'signature' ? { signerName: query.signerName } : {}),
          },
        });
        return { row, replayed: false };
      },
      { workOrderId },
    );
    if (result.replayed) {
      removeQuietly(written);
      return replayOf(ctx, workOrderId, result.row);
    }
    // The answer waits for the disk; a failed commit takes the files with it.
    await ctx.host.commits.durable();
    return { attachment: dtoOf(ctx, result.row), replayed: false };
  } catch (err) {
    removeQuietly(written);
    throw err;
  }
}
