/**
 * Fuzz tests of the NDJSON decoder: arbitrary bytes in arbitrary chunks give either the values a plain
 * line-by-line reading gives or a ResponseFormatError after them (never another exception), generated
 * values round-trip through any chunking, `maxLineBytes` holds however a line is chunked, and a long stream
 * of small lines keeps the parser's buffer bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccelerateError, ResponseFormatError } from '../errors/index.js';
import { chunkSource, concatBytes, splitBytes } from '../testing/fuzz-bytes.js';
import { decodeNdjson, type NdjsonDecodeOptions, NdjsonParser } from './ndjson-decoder.js';

const encoder = new TextEncoder();
const bytesOf = (text: string) => encoder.encode(text);

interface Outcome {
  values: unknown[];
  failed: boolean;
  error?: unknown;
}

async function run(chunks: readonly Uint8Array[], options?: NdjsonDecodeOptions): Promise<Outcome> {
  const values: unknown[] = [];
  try {
    for await (const value of decodeNdjson(chunkSource(chunks), options)) values.push(value);
    return { values, failed: false };
  } catch (error) {
    return { values, failed: true, error };
  }
}

function expectTypedFailure(outcome: Outcome): void {
  if (!outcome.failed) return;
  expect(AccelerateError.isInstance(outcome.error), String(outcome.error)).toBe(true);
  expect(outcome.error).toBeInstanceOf(ResponseFormatError);
}

/** NDJSON read plainly on the whole text: LF-separated lines, one CR before it dropped, blank lines skipped. */
function reference(bytes: Uint8Array): { values: unknown[]; failed: boolean } {
  let text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const values: unknown[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/^[ \t\r]*$/.test(line)) continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      return { values, failed: true };
    }
  }
  return { values, failed: false };
}

const PIECES: readonly Uint8Array[] = [
  ...[
    '{"a":1}',
    '{"text":"é😀"}',
    '[1,2,',
    '3]',
    '"\\u00e9"',
    '"\\ud83d\\ude00"',
    'null',
    'true',
    '-0.5e3',
    '1e400',
    '{',
    '}',
    '"',
    '\\',
    ' ',
    '\t',
    '\r',
    '\n',
    '\r\n',
    '\uFEFF',
    '\u00a0',
    '\u2028',
  ].map(bytesOf),
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xef, 0xbb, 0xbf),
  Uint8Array.of(0x00),
];
const streamBytes = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.uint8Array({ maxLength: 6 })), { maxLength: 40 })
  .map(concatBytes);
const cutPoints = fc.array(fc.nat(), { maxLength: 12 });

describe('decodeNdjson fuzz', () => {
  it('arbitrary bytes in arbitrary chunks: the reference values, or a ResponseFormatError after them (property)', async () => {
    await fc.assert(
      fc.asyncProperty(streamBytes, cutPoints, async (bytes, points) => {
        const outcome = await run(splitBytes(bytes, points), { maxLineBytes: Number.POSITIVE_INFINITY });
        expectTypedFailure(outcome);
        const expected = reference(bytes);
        expect(outcome.failed).toBe(expected.failed);
        expect(outcome.values).toEqual(expected.values);
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary bytes with a small cap: values or a ResponseFormatError, nothing else (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamBytes,
        cutPoints,
        fc.integer({ min: 1, max: 24 }),
        async (bytes, points, max) => {
          const outcome = await run(splitBytes(bytes, points), { maxLineBytes: max });
          expectTypedFailure(outcome);
          const expected = reference(bytes);
          expect(expected.values.slice(0, outcome.values.length)).toEqual(outcome.values);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an error message quotes at most a short excerpt of the line (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 2000 }), async (junk) => {
        const line = `{${junk}`;
        const outcome = await run([bytesOf(`${line}\n`)]);
        if (!outcome.failed) return;
        expectTypedFailure(outcome);
        expect((outcome.error as Error).message.length).toBeLessThan(400);
      }),
      { numRuns: 100 },
    );
  });
});

describe('decodeNdjson round trip', () => {
  const value = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });

  it('serialised values decode to exactly the same list under any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            value,
            eol: fc.constantFrom('\n', '\r\n'),
            blank: fc.constantFrom('', '\n', ' \t\n', '\r\n'),
            pad: fc.constantFrom('', ' ', '\t'),
          }),
          { maxLength: 8 },
        ),
        fc.boolean(),
        fc.boolean(),
        cutPoints,
        async (lines, bom, trailingEol, points) => {
          let text = bom ? '\uFEFF' : '';
          lines.forEach((line, i) => {
            text += line.blank + line.pad + JSON.stringify(line.value) + line.pad;
            if (i < lines.length - 1 || trailingEol) text += line.eol;
          });
          const outcome = await run(splitBytes(bytesOf(text), points));
          expect(outcome.failed).toBe(false);
          // JSON.parse(JSON.stringify(v)) is the value the wire can carry (-0 becomes 0).
          expect(outcome.values).toEqual(lines.map((l) => JSON.parse(JSON.stringify(l.value))));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('maxLineBytes under any chunking', () => {
  const line = fc.string({ unit: 'binary', maxLength: 30 }).map((s) => JSON.stringify(s));

  it('a line over the cap is a ResponseFormatError however it is chunked; lines within it pass (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('\n', '\r\n'),
        fc.oneof(fc.integer({ min: 2, max: 60 }), fc.nat()),
        cutPoints,
        fc.boolean(),
        async (lines, eol, maxOrPick, points, cutAfterCr) => {
          // Half the time the cap is exactly some line's length: the boundary is where mistakes hide.
          const max =
            maxOrPick >= 2 && maxOrPick <= 60
              ? maxOrPick
              : Buffer.byteLength(lines[maxOrPick % lines.length] as string);
          const text = lines.map((l) => l + eol).join('');
          const body = bytesOf(text);
          const cuts = [...points];
          // And a cut between every CR and its LF.
          if (cutAfterCr) for (let i = 0; i < body.length; i++) if (body[i] === 13) cuts.push(i + 1);
          const outcome = await run(splitBytes(body, cuts), { maxLineBytes: max });
          const firstTooLong = lines.findIndex((l) => Buffer.byteLength(l) > max);
          if (firstTooLong === -1) {
            expect(outcome.failed).toBe(false);
            expect(outcome.values).toEqual(lines.map((l) => JSON.parse(l)));
          } else {
            expect(outcome.error).toBeInstanceOf(ResponseFormatError);
            expect(outcome.values).toEqual(lines.slice(0, firstTooLong).map((l) => JSON.parse(l)));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a line that never ends fails once it passes the cap, even in one-byte chunks', async () => {
    const body = bytesOf(`{"a":"${'x'.repeat(5000)}`);
    const outcome = await run(
      [...body].map((b) => Uint8Array.of(b)),
      { maxLineBytes: 1000 },
    );
    expect(outcome.error).toBeInstanceOf(ResponseFormatError);
  });
});

describe('memory stays bounded', () => {
  it('a long stream of small lines never accumulates (a 32-byte cap holds across 100 000 lines)', async () => {
    const line = '{"response":"ab","done":false}\n'; // 31 bytes
    const block = bytesOf(line.repeat(64));
    const count = 100_000;
    async function* body(): AsyncGenerator<Uint8Array> {
      const total = line.length * count;
      let sent = 0;
      while (sent < total) {
        const offset = sent % block.length;
        const end = Math.min(offset + 13, block.length, offset + (total - sent));
        yield block.subarray(offset, end);
        sent += end - offset;
      }
    }
    let seen = 0;
    for await (const value of decodeNdjson(body(), { maxLineBytes: 32 })) {
      if ((value as { response?: unknown }).response !== 'ab') throw new Error('unexpected value');
      seen++;
    }
    expect(seen).toBe(count);
  });

  it('the parser driven directly keeps nothing between lines', () => {
    const parser = new NdjsonParser({ maxLineBytes: 16 });
    const out: unknown[] = [];
    let parsed = 0;
    for (let i = 0; i < 50_000; i++) {
      parser.push('{"n":', out);
      parser.push(`${i % 10}}\r`, out);
      parser.push('\n', out);
      if (out.length !== 1) throw new Error(`line ${i}: ${JSON.stringify(out)}`);
      parsed++;
      out.length = 0;
    }
    parser.end(out);
    expect(out).toEqual([]);
    expect(parsed).toBe(50_000);
  });
});
