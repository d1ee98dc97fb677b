import fs from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';

/**
 * A streaming ZIP writer, just enough for an .xlsx: deflated entries written one after another
 * with data descriptors (sizes and CRC follow the data, so nothing is held in memory), then the
 * central directory. Writes wait for the file to drain, so memory stays flat however big an entry
 * grows. An entry can also be deflated elsewhere (another thread, into a part file) and copied in.
 * No ZIP64: an entry or the archive over 4 GiB is refused rather than written corrupt (the
 * workbook caps its sheets far below that).
 */

const LIMIT = 0xffff_ffff;

/** What a deflated entry needs in its data descriptor and the central directory. */
export interface Deflated {
  crc: number;
  size: number;
  compressed: number;
}

interface Written extends Deflated {
  name: Buffer;
  offset: number;
}

/** DOS date and time of `d` (local fields, as ZIP readers show them). */
function dosTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: (Math.max(0, d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

async function writeTo(out: fs.WriteStream, buf: Buffer): Promise<void> {
  if (!out.write(buf)) await once(out, 'drain');
}

async function closeStream(out: fs.WriteStream): Promise<void> {
  const closed = once(out, 'close');
  out.end();
  await closed;
}

/**
 * Raw deflate of everything written, handed chunk by chunk to `emit` (which may wait: deflate is
 * paused meanwhile, so nothing piles up), counting the CRC and sizes a ZIP entry needs.
 */
export class DeflateSink {
  private crc = 0;
  private size = 0;
  private compressed = 0;
  private readonly deflate = zlib.createDeflateRaw({ level: 1, memLevel: 9, chunkSize: 256 * 1024 });
  private pending: Promise<void> = Promise.resolve();
  private failed: unknown = null;

  constructor(emit: (chunk: Buffer) => Promise<void>) {
    this.deflate.on('data', (chunk: Buffer) => {
      this.compressed += chunk.length;
      this.deflate.pause();
      this.pending = this.pending
        .then(() => emit(chunk))
        .then(
          () => void this.deflate.resume(),
          (err: unknown) => {
            this.failed = err;
          },
        );
    });
  }

  /**
   * Adds content; resolves once deflate has consumed `buf`, so the caller may refill it then
   * (SheetWriter double-buffers: it fills one buffer while deflate works through the other).
   */
  write(buf: Buffer): Promise<void> {
    if (this.failed) return Promise.reject(this.failed as Error);
    this.crc = zlib.crc32(buf, this.crc);
    this.size += buf.length;
    if (this.size > LIMIT) return Promise.reject(new RangeError('a ZIP entry would exceed 4 GiB'));
    return new Promise((resolve, reject) => this.deflate.write(buf, (err) => (err ? reject(err) : resolve())));
  }

  async end(): Promise<Deflated> {
    const ended = once(this.deflate, 'end');
    this.deflate.end();
    await ended;
    await this.pending;
    if (this.failed) throw this.failed;
    return { crc: this.crc >>> 0, size: this.size, compressed: this.compressed };
  }
}

/** Deflates into a file of its own, to be copied into an archive with ZipWriter.copy(). */
export function deflateToFile(file: string): { sink: DeflateSink; done: () => Promise<Deflated> } {
  const out = fs.createWriteStream(file);
  const sink = new DeflateSink((chunk) => writeTo(out, chunk));
  return {
    sink,
    async done() {
      const d = await sink.end();
      await closeStream(out);
      return d;
    },
  };
}

export class ZipWriter {
  private offset = 0;
  private readonly entries: Written[] = [];
  private readonly stamp: { time: number; date: number };

  constructor(
    private readonly out: fs.WriteStream,
    modified: Date,
  ) {
    this.stamp = dosTime(modified);
  }

  static open(file: string, modified: Date): ZipWriter {
    return new ZipWriter(fs.createWriteStream(file), modified);
  }

  private async raw(buf: Buffer): Promise<void> {
    this.offset += buf.length;
    if (this.offset > LIMIT) throw new RangeError('the archive would exceed 4 GiB');
    await writeTo(this.out, buf);
  }

  private async localHeader(name: Buffer): Promise<number> {
    const offset = this.offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    header.writeUInt16LE(0x0808, 6); // bit 3: sizes in the data descriptor; bit 11: UTF-8 name
    header.writeUInt16LE(8, 8); // deflate
    header.writeUInt16LE(this.stamp.time, 10);
    header.writeUInt16LE(this.stamp.date, 12);
    header.writeUInt16LE(name.length, 26);
    await this.raw(Buffer.concat([header, name]));
    return offset;
  }

  private async descriptor(name: Buffer, offset: number, d: Deflated): Promise<void> {
    if (d.compressed > LIMIT) throw new RangeError(`${name.toString()} would exceed 4 GiB`);
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(d.crc, 4);
    dd.writeUInt32LE(d.compressed, 8);
    dd.writeUInt32LE(d.size, 12);
    await this.raw(dd);
    this.entries.push({ name, offset, ...d });
  }

  /** Starts an entry: write its content, then `end()` it before starting the next one. */
  async entry(name: string): Promise<{ write(buf: Buffer): Promise<void>; end(): Promise<void> }> {
    const nameBuf = Buffer.from(name, 'utf8');
    const offset = await this.localHeader(nameBuf);
    const sink = new DeflateSink((chunk) => this.raw(chunk));
    return {
      write: (buf) => sink.write(buf),
      end: async () => this.descriptor(nameBuf, offset, await sink.end()),
    };
  }

  /** Adds an entry whose raw-deflated content is already in `file` (see deflateToFile). */
  async copy(name: string, file: string, d: Deflated): Promise<void> {
    const nameBuf = Buffer.from(name, 'utf8');
    const offset = await this.localHeader(nameBuf);
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) await this.raw(chunk as Buffer);
    await this.descriptor(nameBuf, offset, d);
  }

  /** Writes the central directory and closes the file. */
  async close(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE(20, 4);
      c.writeUInt16LE(20, 6);
      c.writeUInt16LE(0x0808, 8);
      c.writeUInt16LE(8, 10);
      c.writeUInt16LE(this.stamp.time, 12);
      c.writeUInt16LE(this.stamp.date, 14);
      c.writeUInt32LE(e.crc, 16);
      c.writeUInt32LE(e.compressed, 20);
      c.writeUInt32LE(e.size, 24);
      c.writeUInt16LE(e.name.length, 28);
      c.writeUInt32LE(e.offset, 42);
      await this.raw(Buffer.concat([c, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.raw(end);
    await closeStream(this.out);
  }

  /** Gives up: closes the file as it is (the caller deletes it). */
  destroy(): void {
    this.out.destroy();
  }
}
