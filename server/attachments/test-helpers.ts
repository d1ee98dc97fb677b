import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { TestHost } from '../testing/harness.js';

/** Real image bytes and a raw-body upload call for the attachment tests. Not imported by production code. */

export interface Uploaded {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

export async function upload(
  t: TestHost,
  token: string,
  workOrderId: string,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
  query: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Uploaded> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${t.url}/api/v1/work-orders/${workOrderId}/attachments?${qs}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
    body: bytes,
    // A stream body goes out chunked, without Content-Length, so only the host's own counting can stop it.
    ...(bytes instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body };
}

export async function download(t: TestHost, token: string, url: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const res = await fetch(`${t.url}/api/v1${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** A flat-coloured JPEG: any watermark pixel stands out against it. */
export function flatJpeg(width: number, height: number, rgb = { r: 120, g: 200, b: 120 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: rgb } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** Left half red, right half blue, with an EXIF orientation tag (6 = the camera was turned: rotate 90° clockwise to view). */
export async function orientedJpeg(width: number, height: number, orientation: number): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const blue = await sharp({ create: { width: width - half, height, channels: 3, background: { r: 0, g: 0, b: 255 } } })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .composite([{ input: blue, left: half, top: 0 }])
    .withMetadata({ orientation })
    .jpeg({ quality: 95 })
    .toBuffer();
}

export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><path d="M5 ${height - 5} L${width - 5} 5" stroke="black" stroke-width="3"/></svg>`,
        ),
      },
    ])
    .png()
    .toBuffer();
}

/**
 * A 12-megapixel photo that compresses like a real one (smooth gradients plus sensor-like noise),
 * ~4000 × 3000 as a current phone camera writes it.
 */
export async function phonePhoto(width = 4000, height = 3000): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 42;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = (seed >> 16) % 48;
      const i = (y * width + x) * 3;
      raw[i] = Math.min(255, (x * 240) / width + n);
      raw[i + 1] = Math.min(255, (y * 240) / height + n);
      raw[i + 2] = Math.min(255, ((x + y) * 127) / (width + height) + n);
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Files in the attachments folder (recursively), relative paths. */
export function storedFiles(dataDir: string, sub = ''): string[] {
  const dir = path.join(dataDir, 'attachments', sub);
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile());
}
