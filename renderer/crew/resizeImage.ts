/**
 * Photos are resized on the phone before they are queued: a 12-megapixel camera JPEG is 4–8 MB,
 * too much for IndexedDB on a cheap phone and for the yard's Wi-Fi. The host keeps what it gets as
 * the original and makes its own watermarked display copy and thumbnail from it.
 */

/** Longest side of a queued photo, in pixels (the host's display copy is at most this too). */
export const MAX_PHOTO_SIDE = 2048;
export const PHOTO_QUALITY = 0.85;

/**
 * The size an image of `width` × `height` gets so that its long side is at most `max`, keeping the
 * aspect ratio; never enlarged; each side at least 1 px. Pure: tested under Node.
 */
export function fitWithin(width: number, height: number, max = MAX_PHOTO_SIDE): { width: number; height: number; scaled: boolean } {
  if (!(width > 0) || !(height > 0) || !Number.isFinite(width) || !Number.isFinite(height))
    throw new RangeError(`bad image size ${width}×${height}`);
  const long = Math.max(width, height);
  if (long <= max) return { width: Math.round(width), height: Math.round(height), scaled: false };
  const k = max / long;
  // The long side is exactly `max` (no rounding drift past it); the short side is rounded.
  return width >= height
    ? { width: max, height: Math.max(1, Math.round(height * k)), scaled: true }
    : { width: Math.max(1, Math.round(width * k)), height: max, scaled: true };
}

/** A JPEG file name for the resized copy ("IMG_0042.HEIC" → "IMG_0042.jpg"). */
export function jpegName(name: string): string {
  const base = name.replace(/\.[^./\\]*$/, '').trim() || 'photo';
  return `${base}.jpg`;
}

export interface ResizedPhoto {
  blob: Blob;
  width: number;
  height: number;
  fileName: string;
}

/**
 * Decodes the photo with its EXIF orientation applied, draws it at `fitWithin` size and encodes a
 * JPEG. Always re-encodes (also when small) so the queued copy is upright and carries no EXIF.
 * Browser only; returns null when this browser cannot decode the file (e.g. HEIC on Chromium), and
 * the caller then sends the file as it is (the host decides by its content).
 */
export async function resizePhoto(file: Blob, fileName: string): Promise<ResizedPhoto | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
  try {
    const size = fitWithin(bitmap.width, bitmap.height);
    let blob: Blob | null;
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(size.width, size.height);
      const g = canvas.getContext('2d');
      if (!g) return null;
      g.imageSmoothingQuality = 'high';
      g.drawImage(bitmap, 0, 0, size.width, size.height);
      blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: PHOTO_QUALITY });
    } else {
      const canvas = document.createElement('canvas');
      canvas.width = size.width;
      canvas.height = size.height;
      const g = canvas.getContext('2d');
      if (!g) return null;
      g.imageSmoothingQuality = 'high';
      g.drawImage(bitmap, 0, 0, size.width, size.height);
      blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY));
    }
    return blob ? { blob, width: size.width, height: size.height, fileName: jpegName(fileName) } : null;
  } finally {
    bitmap.close();
  }
}
