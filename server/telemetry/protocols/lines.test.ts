import { describe, expect, it } from 'vitest';
import { createLineDecoder, EMPTY, isBinary } from './lines.js';
import { feed } from './testing.js';

const echo = () =>
  createLineDecoder(
    (line, at) => ({ frames: [{ kind: 'metrics', at, metrics: [{ name: 'len', value: line.length, unit: line }] }], rejected: [] }),
    { maxLineLength: 16 },
  );
const texts = (r: ReturnType<typeof feed>) => r.frames.map((f) => (f.kind === 'metrics' ? f.metrics[0]?.unit : null));

describe('line framing', () => {
  it('when lines arrive split across chunks or merged in one, then the same lines come out', () => {
    const input = 'alpha\r\nbeta\ngamma\r\n\r\ndelta\n';
    for (const sizes of [[1], [2, 3], [7], [input.length]]) {
      expect(texts(feed(echo(), input, sizes))).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    }
  });

  it('when a line is longer than the limit, then it is rejected once as overlong and the next line decodes', () => {
    const input = `${'x'.repeat(40)}\nshort\n`;
    for (const sizes of [[1], [5], [100]]) {
      const out = feed(echo(), input, sizes);
      expect(texts(out)).toEqual(['short']);
      expect(out.rejected.map((r) => [r.reason, r.bytes])).toEqual([['overlong', 17]]);
    }
  });

  it('when a line is exactly the limit with CRLF, then it is accepted; one byte more is overlong', () => {
    expect(texts(feed(echo(), `${'a'.repeat(16)}\r\n`, [3]))).toEqual(['a'.repeat(16)]);
    expect(feed(echo(), `${'a'.repeat(17)}\r\n`, [3]).rejected.map((r) => r.reason)).toEqual(['overlong']);
    expect(feed(echo(), `${'a'.repeat(17)}\n`, [17, 1]).rejected.map((r) => r.reason)).toEqual(['overlong']);
  });

  it('when binary noise arrives between lines, then it is rejected as binary and the lines around it survive', () => {
    const noise = Buffer.from([0x00, 0xff, 0x13, 0x80, 0x0a]);
    const input = Buffer.concat([Buffer.from('one\n'), noise, Buffer.from('two\n')]);
    const out = feed(echo(), input, [2]);
    expect(texts(out)).toEqual(['one', 'two']);
    expect(out.rejected.map((r) => r.reason)).toEqual(['binary']);
  });

  it('when UTF-8 text such as a degree sign arrives, then it is not mistaken for binary', () => {
    expect(isBinary(Buffer.from('temp=21.5°C'))).toBe(false);
    expect(isBinary(Buffer.from([0x74, 0xc3]))).toBe(true);
    expect(texts(feed(echo(), '°C\n', [1]))).toEqual(['°C']);
  });

  it('when the device goes away mid-line, then reset() reports the partial bytes and the next line starts clean', () => {
    const d = echo();
    d.push(Buffer.from('half-a-li'), 0);
    expect(d.reset()).toBe(9);
    expect(texts(feed(d, 'new\n'))).toEqual(['new']);
    expect(d.reset()).toBe(0);
  });

  it('when the parser throws, then the line is counted as malformed and decoding goes on', () => {
    const d = createLineDecoder((line) => {
      if (line === 'boom') throw new Error('bug');
      return EMPTY;
    });
    const out = feed(d, 'boom\nok\n');
    expect(out.rejected.map((r) => r.reason)).toEqual(['malformed']);
  });
});
