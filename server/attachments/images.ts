import sharp, { type Sharp } from 'sharp';
import { AppError, UnprocessableError } from '../errors.js';
import type { AttachmentKind } from './contract.js';
import { HEIF_TYPES, UnsupportedTypeError, heifAdvice } from './sniff.js';

/** Image work on uploads: EXIF orientation, the watermarked display copy, thumbnails. Files in, files out. */

const DISPLAY_MAX = 2048;
const THUMB_MAX = 320;
/** A 15 MiB upload can still claim 50 000 × 50 000 pixels (a decompression bomb); phone cameras stay far below this. */
const MAX_PIXELS = 100_000_000;

export interface WatermarkText {
  /** "WO-000123 · 2026-11-16 09:00 GMT" */
  line1: string;
  /** "51.50000, -0.10000 ±12 m" or "no location" */
  line2: string;
}

export interface ImageFacts {
  /** Pixels after EXIF rotation. */
  width: number;
  height: number;
}

function open(file: string): Sharp {
  // failOn 'error': phones write JPEGs with harmless warnings (odd markers); only refuse what cannot be decoded.
  return sharp(file, { limitInputPixels: MAX_PIXELS, failOn: 'error' });
}

/** Maps decoder failures onto the API's refusals (a HEIC the library cannot read is 415 with advice). */
function decodeFailure(err: unknown, kind: AttachmentKind, mime: string): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new AppError(413, 'payload_too_large', `This image has more than ${MAX_PIXELS / 1_000_000} megapixels; send a smaller one.`);
  }
  if (HEIF_TYPES.has(mime)) return new UnsupportedTypeError(heifAdvice(kind, mime));
  return new UnprocessableError(
    'unreadable_image',
    `This ${kind} looks like ${mime} but could not be decoded (the file may be damaged or cut off). Take or export it again.`,
  );
}

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The band along the bottom: dark, semi-transparent, two lines of white text sized to the image. */
function watermarkBand(width: number, height: number, text: WatermarkText): Buffer {
  // Sized to the picture, and small enough that the longer line fits across it (bold sans: ~0.66 em a character).
  const longest = Math.max(text.line1.length, text.line2.length, 1);
  const font = Math.max(8, Math.round(Math.min(width / 42, height / 28, (width * 0.92) / (longest * 0.66))));
  const pad = Math.round(font * 0.5);
  const band = Math.min(height, pad * 2 + Math.round(font * 2.4));
  const family = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${band}">` +
    `<rect width="100%" height="100%" fill="#000" fill-opacity="0.6"/>` +
    `<text x="${pad}" y="${pad + font}" font-family="${family}" font-size="${font}" font-weight="bold" fill="#fff">${xml(text.line1)}</text>` +
    `<text x="${pad}" y="${pad + Math.round(font * 2.2)}" font-family="${family}" font-size="${font}" fill="#fff">${xml(text.line2)}</text>` +
    `</svg>`;
  return Buffer.from(svg);
}

/**
 * A photo: the display copy (≤ 2048 px long side, JPEG, EXIF rotation applied, watermark band) and
 * a 320 px thumbnail. The original file is not touched.
 */
export async function processPhoto(
  src: string,
  mime: string,
  out: { display: string; thumb: string },
  text: WatermarkText,
): Promise<ImageFacts> {
  try {
    const meta = await open(src).metadata();
    const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const { data, info } = await open(src)
      .autoOrient()
      .resize({ width: DISPLAY_MAX, height: DISPLAY_MAX, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    await sharp(data, raw)
      .composite([{ input: watermarkBand(info.width, info.height, text), gravity: 'south' }])
      .jpeg({ quality: 85 })
      .toFile(out.display);
    await sharp(data, raw)
      .resize({ width: THUMB_MAX, height: THUMB_MAX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 78 })
      .toFile(out.thumb);
    return { width: upright.width, height: upright.height };
  } catch (err) {
    throw decodeFailure(err, 'photo', mime);
  }
}

/** A signature (PNG) or an image document: a thumbnail only; signatures keep their transparency. */
export async function thumbnailOnly(src: string, kind: AttachmentKind, mime: string, thumb: string): Promise<ImageFacts> {
  try {
    const meta = await open(src).metadata();
    const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const resized = open(src).autoOrient().resize({ width: THUMB_MAX, height: THUMB_MAX, fit: 'inside', withoutEnlargement: true });
    await (kind === 'signature' ? resized.png() : resized.flatten({ background: '#ffffff' }).jpeg({ quality: 78 })).toFile(thumb);
    return { width: upright.width, height: upright.height };
  } catch (err) {
    throw decodeFailure(err, kind, mime);
  }
}

/** "2026-11-16 09:00 GMT" in the depot's zone (UTC when the zone is unknown to this runtime). */
export function localStamp(ms: number, timeZone: string): string {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
  } catch {
    return localStamp(ms, 'UTC');
  }
  const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

export function locationText(lat: number | undefined, lon: number | undefined, accuracyM: number | undefined): string {
  if (lat === undefined || lon === undefined) return 'no location';
  const acc = accuracyM === undefined ? '' : ` ±${Math.round(accuracyM)} m`;
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}${acc}`;
}
