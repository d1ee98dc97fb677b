/**
 * A response body's JSON text as UTF-8 bytes, never holding a large body as one string.
 *
 * Why: V8's JSON.stringify hands back a rope, and a rope is flattened before it can be encoded. A
 * flat string of over ~64K two-byte characters (any character past Latin-1 makes the whole text
 * two-byte: an en dash in one title will do) is allocated in V8's large-object space, and that
 * flattening cost ~0.7 ms of a 50-item work-order page's ~1 ms of serialising here (Node 20, V8 11.3),
 * against ~0.15 ms for the stringify itself. Large bodies are therefore written piece by piece: the
 * members of the top-level object or array and of the arrays inside it (a page's items) are
 * stringified one by one and joined in groups well under that size.
 *
 * The bytes are exactly those of `Buffer.from(JSON.stringify(value))` (json-bytes.test.ts checks it).
 */

/** Texts up to this many characters are encoded whole: flattening them stays in V8's regular heap. */
const WHOLE_LIMIT = 30_000;
/** Pieces are joined into strings of about this many characters before encoding. */
const GROUP_CHARS = 16_000;
/** How deep containers are split into pieces: the body, then its members (a page's `items`). */
const SPLIT_DEPTH = 2;

/**
 * `text`, when the caller has stringified `value` anyway (the idempotency store keeps it): a short
 * one is encoded whole. Without it the body is written in pieces whatever its size: a small body is
 * then a few dozen short stringify calls joined into one piece, and a large one never exists whole.
 */
export function jsonBytes(value: unknown, text?: string): Buffer {
  // `length` of a rope is known without flattening it.
  if (text !== undefined && text.length <= WHOLE_LIMIT) return Buffer.from(text);
  return jsonBytesInPieces(value);
}

/** The piece-by-piece path whatever the size (exported for its test). */
export function jsonBytesInPieces(value: unknown): Buffer {
  const out = new Pieces();
  if (!write(out, value, SPLIT_DEPTH)) throw new TypeError('A response body must serialise to JSON');
  return out.bytes();
}

class Pieces {
  private readonly buffers: Buffer[] = [];
  private group: string[] = [];
  private chars = 0;

  push(s: string): void {
    this.group.push(s);
    this.chars += s.length;
    if (this.chars >= GROUP_CHARS) this.flush();
  }

  bytes(): Buffer {
    this.flush();
    return Buffer.concat(this.buffers);
  }

  private flush(): void {
    if (this.group.length === 0) return;
    this.buffers.push(Buffer.from(this.group.join('')));
    this.group = [];
    this.chars = 0;
  }
}

/** Plain arrays and objects are split into pieces; every other value is one piece. */
function splittable(v: unknown): v is unknown[] | Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(v)) return true;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Writes `v`; false when it has no JSON text (undefined, a function, a symbol). A piece is
 * JSON.stringify's own text, so every kind of value reads as it does there; the one difference is
 * that a toJSON inside a piece is called with '' rather than its member's key (ours ignore the key).
 */
function write(out: Pieces, v: unknown, depth: number): boolean {
  if (depth === 0 || !splittable(v)) {
    const text = JSON.stringify(v) as string | undefined;
    if (text === undefined) return false;
    out.push(text);
    return true;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      // In an array a value without text is written as null.
      if (!write(out, v[i], depth - 1)) out.push('null');
    }
    out.push(']');
    return true;
  }
  out.push('{');
  let first = true;
  for (const k of Object.keys(v)) {
    const member = v[k];
    const text = depth > 1 && splittable(member) ? null : (JSON.stringify(member) as string | undefined);
    // In an object a member without text is left out.
    if (text === undefined) continue;
    out.push(`${first ? '' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (text === null) write(out, member, depth - 1);
    else out.push(text);
  }
  out.push('}');
  return true;
}
