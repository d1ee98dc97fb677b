import { fileTypeFromFile } from 'file-type';
import { AppError } from '../errors.js';
import type { AttachmentKind } from './contract.js';

/** What an upload really is, by its bytes (the name and the Content-Type header are never trusted). */

export interface Sniffed {
  mime: string;
  ext: string;
  /** Decoded by sharp: gets width/height and a thumbnail. */
  image: boolean;
}

const IMAGES: Record<string, Sniffed> = {
  'image/jpeg': { mime: 'image/jpeg', ext: 'jpg', image: true },
  'image/png': { mime: 'image/png', ext: 'png', image: true },
  'image/webp': { mime: 'image/webp', ext: 'webp', image: true },
};
/** iPhone camera formats: accepted as photos only when this host's image library can decode them. */
export const HEIF_TYPES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence', 'image/avif']);
const PDF: Sniffed = { mime: 'application/pdf', ext: 'pdf', image: false };
const TEXT: Sniffed = { mime: 'text/plain', ext: 'txt', image: false };

const ALLOWED: Record<AttachmentKind, string> = {
  photo: 'JPEG, PNG or WebP',
  document: 'PDF, JPEG, PNG, WebP or plain text',
  signature: 'PNG',
};

export class UnsupportedTypeError extends AppError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}

/** The sniffed type, or a refusal naming it. HEIF types come back as-is for the caller to try decoding. */
export async function sniff(file: string, kind: AttachmentKind, isText: boolean): Promise<Sniffed> {
  const found = await fileTypeFromFile(file);
  const mime = found?.mime ?? (isText ? 'text/plain' : 'application/octet-stream');
  if (kind === 'signature') {
    if (mime === 'image/png') return IMAGES['image/png']!;
  } else if (IMAGES[mime]) {
    return IMAGES[mime];
  } else if (kind === 'photo' && found && HEIF_TYPES.has(mime)) {
    return { mime, ext: found.ext, image: true };
  } else if (kind === 'document' && mime === 'application/pdf') {
    return PDF;
  } else if (kind === 'document' && !found && isText) {
    return TEXT;
  }
  const unknown = mime === 'application/octet-stream' ? 'application/octet-stream (a type the host does not recognise)' : mime;
  if (HEIF_TYPES.has(mime)) throw new UnsupportedTypeError(heifAdvice(kind, mime));
  throw new UnsupportedTypeError(`A ${kind} must be ${ALLOWED[kind]}; this file is ${unknown} (judged by its content, not its name).`);
}

export function heifAdvice(kind: AttachmentKind, mime: string): string {
  return (
    `This ${kind} is ${mime} (an iPhone camera format) and cannot be stored here: send it as JPEG. ` +
    'The crew view converts photos to JPEG by itself; on the phone, Settings → Camera → Formats → "Most Compatible" does too.'
  );
}
