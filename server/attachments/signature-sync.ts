import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { attachments } from '../../db/schema/index.js';
import type { Ctx } from '../core/context.js';
import { newId } from '../core/ids.js';
import { mutate } from '../core/mutate.js';
import { UnprocessableError } from '../errors.js';
import { assertOpen, loadForWrite } from '../work-orders/guards.js';
import type { AttachmentRow } from './repo.js';
import { keyPath, removeQuietly, storageKey } from './storage.js';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A customer signature from PNG bytes already in memory, stored synchronously: for the demo seed
 * (which drives the service in one synchronous loop) and tests. No image processing: the small
 * PNG is its own thumbnail. Crews upload through POST /work-orders/{id}/attachments instead.
 */
export function storeSignaturePng(ctx: Ctx, workOrderId: string, signerName: string, png: Buffer): AttachmentRow {
  if (!png.subarray(0, 8).equals(PNG_MAGIC)) throw new UnprocessableError('not_png', 'A signature must be a PNG image.');
  const id = newId();
  const key = storageKey(id, ctx.host.clock.now(), 'original', 'png');
  const file = keyPath(ctx.host.dataDir, key);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, png);
  try {
    return mutate(
      ctx,
      'attachment.added',
      (w) => {
        assertOpen(loadForWrite(ctx, w, workOrderId), 'add an attachment', true);
        const row = w.insert(attachments, {
          id,
          workOrderId,
          kind: 'signature',
          fileName: 'signature.png',
          mimeType: 'image/png',
          sizeBytes: png.length,
          sha256: createHash('sha256').update(png).digest('hex'),
          storageKey: key,
          thumbnailKey: key,
          displayKey: null,
          meta: { signerName, watermarked: false, hasOriginal: false },
          uploadedBy: ctx.actor.userId,
        });
        w.event(workOrderId, 'attachment_added', { data: { attachmentId: id, kind: 'signature', fileName: 'signature.png', signerName } });
        return row;
      },
      { workOrderId },
    );
  } catch (err) {
    removeQuietly([file]);
    throw err;
  }
}
