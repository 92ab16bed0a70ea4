import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePythonBytesLiteral, isPythonBytesLiteral } from './python-bytes-literal.js';
import { pythonBytesRepr, pythonTextRepr } from './test/python-repr.js';

const text = (literal: string) =>
  new TextDecoder('utf-8', { fatal: true }).decode(decodePythonBytesLiteral(literal));

describe('decodePythonBytesLiteral', () => {
  it('decodes what Python prints', () => {
    // Each pair is Python 3's own output: repr('…'.encode('utf-8')).
    expect(text("b'Hello'")).toBe('Hello');
    expect(text("b' world'")).toBe(' world');
    expect(text("b''")).toBe('');
    expect(text('b"it\'s"')).toBe("it's");
    expect(text("b'both \\' and \"'")).toBe('both \' and "');
    expect(text("b'back\\\\slash'")).toBe('back\\slash');
    expect(text("b'line\\nnext\\ttab\\rcr'")).toBe('line\nnext\ttab\rcr');
    expect(text("b'It\\xe2\\x80\\x99s'")).toBe('It\u2019s');
    expect(text("b'caf\\xc3\\xa9 \\xf0\\x9f\\x98\\x80'")).toBe('café 😀');
    expect(text("b'\\x00\\x7f'")).toBe('\u0000\u007f');
  });

  it('decodes the rest of the bytes-literal grammar', () => {
    expect([...decodePythonBytesLiteral("b'\\a\\b\\f\\v'")]).toEqual([7, 8, 12, 11]);
    expect([...decodePythonBytesLiteral("b'\\0\\101\\7777'")]).toEqual([0, 65, 0xff, 0x37]);
    expect([...decodePythonBytesLiteral("B'\\X'")]).toEqual([0x5c, 0x58]);
    expect([...decodePythonBytesLiteral("rb'\\n'")]).toEqual([0x5c, 0x6e]);
    expect([...decodePythonBytesLiteral("b'''a'b'''")]).toEqual([0x61, 0x27, 0x62]);
    expect([...decodePythonBytesLiteral("b'a\\\nb'")]).toEqual([0x61, 0x62]);
    expect([...decodePythonBytesLiteral("  b'x'  ")]).toEqual([0x78]);
  });

  it('refuses what is not a bytes literal', () => {
    for (const bad of [
      "'plain'",
      'Hello',
      "b'open",
      "b'\\x4'",
      "b'\\xzz'",
      "b'caf\u00e9'",
      "b'a'b'",
      "b'\\'",
      "b'a\nb'",
    ]) {
      expect(() => decodePythonBytesLiteral(bad), bad).toThrow(SyntaxError);
    }
  });

  it('tells literals from other data', () => {
    expect(isPythonBytesLiteral("b'x'")).toBe(true);
    expect(isPythonBytesLiteral('b"x"')).toBe(true);
    expect(isPythonBytesLiteral("Rb'x'")).toBe(true);
    expect(isPythonBytesLiteral('[DONE]')).toBe(false);
    expect(isPythonBytesLiteral('{"b":1}')).toBe(false);
    expect(isPythonBytesLiteral('bytes')).toBe(false);
  });

  it('round-trips any string encoded the way Python does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (value) => {
        // Lone surrogates cannot be encoded to UTF-8 (Python raises); well-formed text only.
        fc.pre(!/\p{Cs}/u.test(value));
        expect(text(pythonTextRepr(value))).toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect([...decodePythonBytesLiteral(pythonBytesRepr(bytes))]).toEqual([...bytes]);
      }),
      { numRuns: 500 },
    );
  });
});
