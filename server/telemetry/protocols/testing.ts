import type { Rejection, StreamDecoder, TelemetryFrame } from '../types.js';

/** Test support: feeds `bytes` in the given chunk sizes (cycled) and collects everything. */
export function feed(
  decoder: StreamDecoder,
  bytes: Uint8Array | string,
  sizes: number[] = [bytes.length],
  receivedAt = Date.UTC(2026, 0, 1),
): { frames: TelemetryFrame[]; rejected: Rejection[] } {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const frames: TelemetryFrame[] = [];
  const rejected: Rejection[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const size = Math.max(1, sizes[k++ % sizes.length] ?? 1);
    const out = decoder.push(buf.subarray(i, i + size), receivedAt);
    frames.push(...out.frames);
    rejected.push(...out.rejected);
    i += size;
  }
  return { frames, rejected };
}
