import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes, jsonBytesInPieces } from './json-bytes.js';

/** Values as route handlers return them, and the odd ones JSON.stringify has rules for. */
const leaf = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.date({ noInvalidDate: true }),
  fc.date().map((d) => ({ toJSON: () => d.getTime() })),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 }),
}));

function expected(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(v) as string);
}

describe('jsonBytes', () => {
  it('writes the bytes of Buffer.from(JSON.stringify(v)), piece by piece, for any body', () => {
    fc.assert(
      fc.property(value, (v) => {
        fc.pre(JSON.stringify(v) !== undefined);
        expect(jsonBytesInPieces(v).equals(expected(v))).toBe(true);
        expect(jsonBytes(v).equals(expected(v))).toBe(true);
      }),
      { numRuns: 2000, seed: 20261207 },
    );
  });

  it('writes a large page (two-byte text, over the whole-string limit) exactly', () => {
    const items = Array.from({ length: 300 }, (_, i) => ({
      id: `wo-${i}`,
      title: `Pump ${i} – no pressure ✓ «${'é'.repeat(i % 7)}»`,
      at: new Date(Date.UTC(2026, 11, 7, 0, i)),
      skipped: undefined,
      list: [1, undefined, () => 2, 'x'],
    }));
    const page = { items, nextCursor: 'abc', extra: undefined };
    const text = JSON.stringify(page);
    expect(text.length).toBeGreaterThan(30_000);
    expect(jsonBytes(page).equals(expected(page))).toBe(true);
    expect(jsonBytes(page, text).equals(expected(page))).toBe(true);
  });

  it('refuses a body with no JSON text', () => {
    expect(() => jsonBytes(undefined)).toThrow(TypeError);
    expect(jsonBytes({ a: 1 }, '{"a":1}').toString()).toBe('{"a":1}');
    expect(() => jsonBytesInPieces(() => 1)).toThrow(TypeError);
  });
});
