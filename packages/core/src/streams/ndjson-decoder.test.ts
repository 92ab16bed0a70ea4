import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ResponseFormatError } from '../errors/index.js';
import { recordingSource, splitBytes } from '../testing/fuzz-bytes.js';
import {
  DEFAULT_NDJSON_OPTIONS,
  decodeNdjson,
  type NdjsonDecodeOptions,
  NdjsonParser,
} from './ndjson-decoder.js';

const encoder = new TextEncoder();

async function collect(
  chunks: readonly (Uint8Array | string)[],
  options?: NdjsonDecodeOptions,
): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of decodeNdjson(recordingSource(chunks).iterable, options)) values.push(value);
  return values;
}

const SAMPLE = [
  '\uFEFF{"model":"llama","response":"héllo 😀","done":false}\n',
  '\n',
  '   \n',
  '{"response":"日本語"}\r\n',
  '\r\n',
  '[1,2,3]\n',
  '"just a string"\n',
  '42\n',
  'null\n',
  '{"done":true,"total_duration":123}',
].join('');

const SAMPLE_VALUES = [
  { model: 'llama', response: 'héllo 😀', done: false },
  { response: '日本語' },
  [1, 2, 3],
  'just a string',
  42,
  null,
  { done: true, total_duration: 123 },
];

const SAMPLE_BYTES = encoder.encode(SAMPLE);

describe('decodeNdjson', () => {
  it('decodes the sample: blank lines skipped, CRLF ok, last line without newline parsed', async () => {
    expect(await collect([SAMPLE_BYTES])).toEqual(SAMPLE_VALUES);
    expect(await collect([SAMPLE])).toEqual(SAMPLE_VALUES);
  });

  it('yields identical values for every split point, and one byte per chunk', async () => {
    for (let i = 0; i <= SAMPLE_BYTES.length; i++) {
      expect(await collect(splitBytes(SAMPLE_BYTES, [i])), `split at ${i}`).toEqual(SAMPLE_VALUES);
    }
    expect(await collect(Array.from(SAMPLE_BYTES, (b) => Uint8Array.of(b)))).toEqual(SAMPLE_VALUES);
  });

  it('round-trips arbitrary JSON values with any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue(), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (values, eol, finalNewline, rawPoints) => {
          const text = values.map((v) => JSON.stringify(v)).join(eol) + (finalNewline ? eol : '');
          const bytes = encoder.encode(text);
          const points = rawPoints.map((p) => p % (bytes.length + 1));
          // JSON.stringify(-0) is "0": compare against what the wire actually says.
          expect(await collect(splitBytes(bytes, points))).toEqual(
            values.map((v) => JSON.parse(JSON.stringify(v))),
          );
        },
      ),
    );
  });

  it('a malformed line -> ResponseFormatError with a short excerpt, after the values before it', async () => {
    const seen: unknown[] = [];
    const source = recordingSource([`{"a":1}\n{"b":2}\n{"broken": ${'x'.repeat(5_000)}\n{"c":3}\n`]);
    const error = await (async () => {
      for await (const value of decodeNdjson(source.iterable)) seen.push(value);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([{ a: 1 }, { b: 2 }]);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect((error as Error).message).toContain('line 3');
    expect((error as Error).message).toContain('{\\"broken\\": xxx');
    expect((error as Error).message.length).toBeLessThan(300);
    expect(source.stats.returned).toBe(1);
  });

  it('a truncated last line -> ResponseFormatError', async () => {
    await expect(collect(['{"a":1}\n{"b":'])).rejects.toThrow(/incomplete/);
  });

  it('enforces maxLineBytes, on complete lines and on a line that never ends', async () => {
    expect(await collect(['"12345678"\n'], { maxLineBytes: 10 })).toEqual(['12345678']);
    await expect(collect(['"123456789"\n'], { maxLineBytes: 10 })).rejects.toBeInstanceOf(
      ResponseFormatError,
    );
    await expect(collect(['"日本語"\n'], { maxLineBytes: 10 })).rejects.toBeInstanceOf(ResponseFormatError); // 11 bytes
    const endless = recordingSource(Array.from({ length: 100 }, () => 'x'.repeat(100)));
    await expect(decodeNdjson(endless.iterable, { maxLineBytes: 1_000 }).next()).rejects.toBeInstanceOf(
      ResponseFormatError,
    );
    expect(endless.stats.pulled).toBeLessThan(20);
    expect(DEFAULT_NDJSON_OPTIONS.maxLineBytes).toBe(1024 * 1024);
  });

  it('calls return() on the source when the consumer breaks', async () => {
    const source = recordingSource(['1\n', '2\n', '3\n']);
    for await (const value of decodeNdjson(source.iterable)) {
      expect(value).toBe(1);
      break;
    }
    expect(source.stats.returned).toBe(1);
    expect(source.stats.pulled).toBe(1);
  });

  it('rejects invalid options at once; the parser can be driven directly', () => {
    expect(() => decodeNdjson(recordingSource([]).iterable, { maxLineBytes: -1 })).toThrow(
      InvalidRequestError,
    );
    const parser = new NdjsonParser();
    const out: unknown[] = [];
    parser.push('{"a":', out);
    parser.push('1}\n{"b"', out);
    expect(out).toEqual([{ a: 1 }]);
    parser.push(':2}', out);
    parser.end(out);
    expect(out).toEqual([{ a: 1 }, { b: 2 }]);
  });
});
