import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

/** Attachment metadata (zod only: the renderer bundles it). The bytes come from /attachments/{id}/content. */
export const AttachmentKindSchema = z.enum(['photo', 'document', 'signature']);

export const Attachment = z
  .object({
    id: Id,
    workOrderId: Id,
    kind: AttachmentKindSchema,
    fileName: z.string(),
    mimeType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string(),
    hasThumbnail: z.boolean().meta({ description: 'GET /attachments/{id}/thumbnail serves a small preview' }),
    uploadedBy: Id.nullable(),
    uploadedByName: z.string().nullable(),
    createdAt: IsoTime,
    meta: z.unknown(),
  })
  .meta({ id: 'Attachment' });
export type AttachmentDto = z.infer<typeof Attachment>;
