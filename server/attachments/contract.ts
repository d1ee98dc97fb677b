import { z } from 'zod';
import { Id, IsoTime } from '../http/contract-common.js';

/** Attachment contract (zod only: the renderer bundles it). The bytes come from /attachments/{id}/content. */
export const AttachmentKindSchema = z.enum(['photo', 'document', 'signature']);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

/** What the host recorded about an upload. Every field is optional: rows stored before uploads existed carry less. */
export const AttachmentMeta = z
  .looseObject({
    takenAt: IsoTime.nullable().optional().meta({ description: 'When the crew took the photo (phone clock), if it said' }),
    lat: z.number().nullable().optional(),
    lon: z.number().nullable().optional(),
    accuracyM: z.number().nullable().optional(),
    signerName: z.string().nullable().optional(),
    width: z.number().int().nullable().optional().meta({ description: 'Pixels of the original image (after EXIF rotation)' }),
    height: z.number().int().nullable().optional(),
    watermarked: z.boolean().optional().meta({ description: 'The default content is a copy with a visible watermark band' }),
    hasOriginal: z.boolean().optional().meta({ description: '?variant=original serves the bytes as uploaded, unchanged' }),
  })
  .meta({ id: 'AttachmentMeta' });
export type AttachmentMetaDto = z.infer<typeof AttachmentMeta>;

export const Attachment = z
  .object({
    id: Id,
    workOrderId: Id,
    kind: AttachmentKindSchema,
    fileName: z.string(),
    mimeType: z.string().meta({ description: "The sniffed type of the original bytes (never the client's claim)" }),
    sizeBytes: z.number().int(),
    sha256: z.string().meta({ description: 'Of the original bytes' }),
    hasThumbnail: z.boolean().meta({ description: 'GET /attachments/{id}/thumbnail serves a small preview' }),
    uploadedBy: Id.nullable(),
    uploadedByName: z.string().nullable(),
    createdAt: IsoTime,
    meta: AttachmentMeta.nullable(),
  })
  .meta({ id: 'Attachment' });
export type AttachmentDto = z.infer<typeof Attachment>;

const Coordinate = (min: number, max: number) => z.coerce.number().min(min).max(max);

/**
 * The facts of an upload ride in the query string: the body is the file's raw bytes. Names are
 * trimmed; `signerName` is required for signatures (checked by the service, as 422, so the crew sees
 * the same refusal whether the name is missing or blank).
 */
export const UploadQuery = z
  .object({
    kind: AttachmentKindSchema,
    fileName: z.string().trim().min(1).max(200),
    takenAt: IsoTime.optional(),
    lat: Coordinate(-90, 90).optional(),
    lon: Coordinate(-180, 180).optional(),
    accuracyM: z.coerce.number().min(0).max(100_000).optional(),
    signerName: z.string().trim().max(120).optional(),
  })
  .refine((q) => (q.lat === undefined) === (q.lon === undefined), { message: 'lat and lon go together', path: ['lon'] });
export type UploadQueryInput = z.infer<typeof UploadQuery>;

export const ContentQuery = z.object({
  variant: z
    .enum(['display', 'original'])
    .default('display')
    .meta({ description: 'display (default): what people see, for photos the watermarked copy; original: the bytes as uploaded' }),
});

/** Largest upload per kind, in bytes (checked while the body streams in, and on Content-Length first). */
export const UPLOAD_LIMITS: Record<AttachmentKind, number> = {
  photo: 15 * 1024 * 1024,
  document: 20 * 1024 * 1024,
  signature: 1024 * 1024,
};
