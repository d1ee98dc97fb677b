import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../errors.js';

/** Where attachment files live: `<dataDir>/attachments/<yyyy>/<mm>/<id>[-display|-thumb].<ext>`, uploads in flight in `tmp/`. */

export function attachmentsRoot(dataDir: string): string {
  return path.resolve(dataDir, 'attachments');
}

/** The storage key (relative to the attachments root, '/'-separated) of one file of an attachment. */
export function storageKey(id: string, at: number, variant: 'original' | 'display' | 'thumb', ext: string): string {
  const d = new Date(at);
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  return `${d.getUTCFullYear()}/${month}/${id}${variant === 'original' ? '' : `-${variant}`}.${ext}`;
}

export function keyPath(dataDir: string, key: string): string {
  return path.join(attachmentsRoot(dataDir), ...key.split('/'));
}

/** Resolves a stored key inside the attachments folder; a key that climbs out of it is "not found". */
export function storedFile(dataDir: string, key: string): string | null {
  const root = attachmentsRoot(dataDir);
  const file = path.resolve(root, key);
  if (!file.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

export function removeQuietly(files: Iterable<string>): void {
  for (const f of files) fs.rmSync(f, { force: true });
}

export interface Received {
  file: string;
  size: number;
  sha256: string;
  /** Valid UTF-8 without NUL bytes: what "plain text" means for a document. */
  isText: boolean;
}

export class PayloadTooLargeError extends AppError {
  constructor(limit: number, what: string) {
    super(413, 'payload_too_large', `${what} may be at most ${formatBytes(limit)}; this upload is larger. Send a smaller file.`);
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(n / 1024)} KiB`;
}

/**
 * Streams a request body into a temp file under `<dataDir>/attachments/tmp/`, hashing it and
 * checking for text on the way, and stops at `limit` bytes (413): a phone's 20 MB document never
 * sits in memory, and an endless body never fills the disk. The temp file is gone on any failure.
 */
export async function receiveBody(body: Readable, dataDir: string, limit: number, what: string): Promise<Received> {
  const dir = path.join(attachmentsRoot(dataDir), 'tmp');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  // fatal + stream: invalid UTF-8 anywhere (also split across chunks) throws, and we stop looking.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let isText = true;
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) {
        done(new PayloadTooLargeError(limit, what));
        return;
      }
      hash.update(chunk);
      if (isText) {
        if (chunk.includes(0)) isText = false;
        else {
          try {
            decoder.decode(chunk, { stream: true });
          } catch {
            isText = false;
          }
        }
      }
      done(null, chunk);
    },
  });
  // The request is piped, not pipelined: pipeline() would destroy it on a 413 and take the socket
  // (and the answer) with it. A client that vanishes mid-upload ends the wait through 'close'.
  const onClose = () => {
    if (!body.readableEnded)
      meter.destroy(new AppError(400, 'upload_interrupted', 'The upload stopped before the whole file arrived; send it again.'));
  };
  body.once('close', onClose);
  body.pipe(meter);
  try {
    await pipeline(meter, fs.createWriteStream(file, { flags: 'wx' }));
    if (isText) {
      try {
        decoder.decode(); // a multi-byte character cut off at the end is not text
      } catch {
        isText = false;
      }
    }
  } catch (err) {
    // Whatever is still coming is read and dropped (never stored) so the refusal reaches the client.
    body.unpipe(meter);
    body.resume();
    removeQuietly([file]);
    throw err;
  } finally {
    body.off('close', onClose);
  }
  return { file, size, sha256: hash.digest('hex'), isText };
}
