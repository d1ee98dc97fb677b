import type { Rejection, StreamDecoder, TelemetryFrame } from '../types.js';

/**
 * Line framing shared by the text protocols (NMEA, JSON lines, key=value, CSV).
 *
 * A line ends at "\n" (a trailing "\r" is stripped, so CRLF and LF devices both work). A line longer
 * than `maxLineLength` bytes is rejected once as 'overlong' when it crosses the limit, and everything
 * up to the next "\n" is discarded: a device at the wrong baud rate that never sends a newline costs
 * at most `maxLineLength` bytes of memory. Lines with control bytes or invalid UTF-8 are 'binary'.
 * Every rejection depends only on the bytes, never on how they were chunked.
 */

export interface LineResult {
  frames: TelemetryFrame[];
  rejected: Rejection[];
}

/** Parses one complete, printable line (no terminator). May keep state across lines (e.g. NMEA date). */
export type LineParser = (line: string, receivedAt: number) => LineResult;

export interface LineDecoderOptions {
  /** Bytes, excluding the terminator. NMEA allows 82 in total; JSON lines get more room. */
  maxLineLength?: number;
}

export const DEFAULT_MAX_LINE_LENGTH = 1024;
const SAMPLE_CHARS = 40;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/** A short printable sample of a rejected input, for the console. */
export function sample(text: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const printable = text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '·');
  return printable.length > SAMPLE_CHARS ? `${printable.slice(0, SAMPLE_CHARS)}…` : printable;
}

function sampleBytes(bytes: Uint8Array): string {
  return sample(Buffer.from(bytes.subarray(0, SAMPLE_CHARS * 2)).toString('latin1'));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes contain control characters (other than tab) or are not valid UTF-8. */
export function isBinary(bytes: Uint8Array): boolean {
  let high = false;
  for (const b of bytes) {
    if ((b < 0x20 && b !== TAB) || b === 0x7f) return true;
    if (b >= 0x80) high = true;
  }
  if (!high) return false;
  try {
    utf8.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

export function reject(reason: Rejection['reason'], detail: string, bytes: number): Rejection {
  return { reason, detail, bytes };
}

export const EMPTY: LineResult = Object.freeze({ frames: [], rejected: [] }) as LineResult;

export function createLineDecoder(parse: LineParser, opts: LineDecoderOptions = {}): StreamDecoder {
  const max = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  // The current partial line: at most max + 1 bytes are kept (+1 for a trailing "\r").
  let partial = Buffer.alloc(max + 2);
  let len = 0;
  let discarding = false;

  function emitLine(out: LineResult, line: Uint8Array, receivedAt: number): void {
    let end = line.length;
    if (end > 0 && line[end - 1] === CR) end--;
    if (end > max) {
      out.rejected.push(reject('overlong', `line longer than ${max} bytes: ${sampleBytes(line)}`, max + 1));
      return;
    }
    if (end === 0) return;
    const body = line.subarray(0, end);
    if (isBinary(body)) {
      out.rejected.push(reject('binary', sampleBytes(body), line.length + 1));
      return;
    }
    const text = Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8');
    if (text.trim() === '') return;
    let result: LineResult;
    try {
      result = parse(text, receivedAt);
    } catch (err) {
      // A parser bug must not take the device down; it shows up as a counted rejection.
      result = {
        frames: [],
        rejected: [reject('malformed', `parser error: ${err instanceof Error ? err.message : String(err)}`, line.length + 1)],
      };
    }
    for (const f of result.frames) out.frames.push(f);
    for (const r of result.rejected) out.rejected.push(r);
  }

  return {
    push(chunk, receivedAt) {
      const out: LineResult = { frames: [], rejected: [] };
      let start = 0;
      while (start < chunk.length) {
        const nl = chunk.indexOf(LF, start);
        const stop = nl === -1 ? chunk.length : nl;
        if (!discarding) {
          const piece = chunk.subarray(start, stop);
          // max + 1: room for the "\r" of a CRLF line whose "\n" has not arrived yet.
          if (len + piece.length > max + 1) {
            const seen = Buffer.concat([partial.subarray(0, len), piece.subarray(0, max + 1 - len)]);
            out.rejected.push(reject('overlong', `line longer than ${max} bytes: ${sampleBytes(seen)}`, max + 1));
            discarding = true;
            len = 0;
          } else if (nl !== -1 && len === 0) {
            emitLine(out, piece, receivedAt);
          } else {
            partial.set(piece, len);
            len += piece.length;
            if (nl !== -1) {
              const line = Buffer.from(partial.subarray(0, len));
              len = 0;
              emitLine(out, line, receivedAt);
            }
          }
        }
        if (nl === -1) break;
        discarding = false;
        start = nl + 1;
      }
      return out;
    },
    reset() {
      const dropped = len;
      len = 0;
      discarding = false;
      partial = Buffer.alloc(max + 2);
      return dropped;
    },
  };
}
