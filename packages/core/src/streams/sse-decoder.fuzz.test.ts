/**
 * Fuzz tests of the SSE decoder: arbitrary bytes in arbitrary chunks give either events equal to a plain
 * reading of the WHATWG rules or a ResponseFormatError (never another exception), generated event lists
 * round-trip through any chunking, `maxEventBytes` holds however an event is chunked, and a long stream of
 * small frames keeps the parser's buffers bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccelerateError, ResponseFormatError } from '../errors/index.js';
import { chunkSource, concatBytes, splitBytes } from '../testing/fuzz-bytes.js';
import { decodeSse, type SseDecodeOptions, type SseEvent, SseParser } from './sse-decoder.js';

const encoder = new TextEncoder();

interface Outcome {
  events: SseEvent[];
  error?: unknown;
}

async function run(chunks: readonly Uint8Array[], options?: SseDecodeOptions): Promise<Outcome> {
  const events: SseEvent[] = [];
  try {
    for await (const event of decodeSse(chunkSource(chunks), options)) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

/** Only taxonomy errors, and for the decoder only ResponseFormatError. */
function expectTypedFailure(outcome: Outcome): void {
  if (outcome.error === undefined) return;
  expect(AccelerateError.isInstance(outcome.error), String(outcome.error)).toBe(true);
  expect(outcome.error).toBeInstanceOf(ResponseFormatError);
}

/** Every dispatched event has the documented shape. */
function expectWellFormed(event: SseEvent): void {
  expect(typeof event.event).toBe('string');
  expect(event.event).not.toBe('');
  expect(typeof event.data).toBe('string');
  expect(event.event).not.toMatch(/[\r\n]/);
  // Data lines are joined with LF; CR is always a line end, never data.
  expect(event.data).not.toMatch(/\r/);
  if (event.event === 'raw') expect(event.data).not.toMatch(/\n/);
  if (event.id !== undefined) {
    expect(event.id).not.toBe('');
    expect(event.id).not.toMatch(/[\0\r\n]/);
  }
  if (event.retry !== undefined) expect(Number.isSafeInteger(event.retry) || event.retry >= 0).toBe(true);
}

/**
 * The WHATWG event-stream rules read plainly, on the whole text at once: the reference the incremental
 * decoder must agree with. Options as in {@link SseDecodeOptions}.
 */
function reference(
  bytes: Uint8Array,
  options: { flushIncomplete: boolean; rawJsonLines: boolean },
): SseEvent[] {
  return referenceText(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), options);
}

function referenceText(
  decoded: string,
  options: { flushIncomplete: boolean; rawJsonLines: boolean },
): SseEvent[] {
  const text = decoded.startsWith('\uFEFF') ? decoded.slice(1) : decoded;
  const lines = text.split(/\r\n|\r|\n/);
  const unfinished = lines.pop() ?? '';
  const out: SseEvent[] = [];
  let data: string[] | undefined;
  let type = '';
  let lastId = '';
  let retry: number | undefined;
  const isRaw = (line: string) => line.startsWith('{') || line.startsWith('[');
  const field = (line: string) => {
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'data') {
      data ??= [];
      data.push(value);
    } else if (name === 'event') type = value;
    else if (name === 'id' && !value.includes('\0')) lastId = value;
    else if (name === 'retry' && /^[0-9]+$/.test(value)) retry = Number(value);
  };
  const dispatch = () => {
    if (data !== undefined) {
      const event: SseEvent = { event: type === '' ? 'message' : type, data: data.join('\n') };
      if (lastId !== '') event.id = lastId;
      if (retry !== undefined) event.retry = retry;
      retry = undefined;
      out.push(event);
    }
    data = undefined;
    type = '';
  };
  for (const line of lines) {
    if (line === '') dispatch();
    else if (options.rawJsonLines && isRaw(line)) out.push({ event: 'raw', data: line });
    else if (!line.startsWith(':')) field(line);
  }
  let rest = unfinished;
  if (options.rawJsonLines && isRaw(rest)) {
    out.push({ event: 'raw', data: rest });
    rest = '';
  }
  if (options.flushIncomplete) {
    if (rest !== '' && !rest.startsWith(':')) field(rest);
    dispatch();
  }
  return out;
}

const bytesOf = (text: string) => encoder.encode(text);

/** Pieces that matter to the grammar, and bytes that are not UTF-8 at all. */
const PIECES: readonly Uint8Array[] = [
  ...[
    'data:',
    'data: ',
    'data',
    'event:',
    'event: ping',
    'id:',
    'id: 7',
    'retry:',
    'retry: 250',
    ':',
    ': comment',
    ' ',
    '\r',
    '\n',
    '\r\n',
    '\n\n',
    '{"a":1}',
    '[',
    '\0',
    'x',
    '42',
    'é',
    '日本',
    '😀',
    '\uFEFF',
    '\u2028',
  ].map(bytesOf),
  Uint8Array.of(0xff),
  Uint8Array.of(0xc3),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xf0, 0x9f, 0x98),
  Uint8Array.of(0xef, 0xbb, 0xbf),
  Uint8Array.of(0x80),
  Uint8Array.of(0xed, 0xa0, 0x80),
];

const streamBytes = fc
  .array(fc.oneof(fc.constantFrom(...PIECES), fc.uint8Array({ maxLength: 6 })), { maxLength: 40 })
  .map(concatBytes);
const cutPoints = fc.array(fc.nat(), { maxLength: 12 });
const flags = fc.record({ flushIncomplete: fc.boolean(), rawJsonLines: fc.boolean() });

describe('decodeSse fuzz', () => {
  it('arbitrary bytes in arbitrary chunks: the reference events, never an exception (property)', async () => {
    await fc.assert(
      fc.asyncProperty(streamBytes, cutPoints, flags, async (bytes, points, options) => {
        const outcome = await run(splitBytes(bytes, points), {
          ...options,
          maxEventBytes: Number.POSITIVE_INFINITY,
        });
        expect(outcome.error).toBeUndefined();
        for (const event of outcome.events) expectWellFormed(event);
        expect(outcome.events).toEqual(reference(bytes, options));
      }),
      { numRuns: 400 },
    );
  });

  it('arbitrary bytes with a small cap: events or a ResponseFormatError, nothing else (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamBytes,
        cutPoints,
        flags,
        fc.integer({ min: 1, max: 24 }),
        async (bytes, points, options, maxEventBytes) => {
          const outcome = await run(splitBytes(bytes, points), { ...options, maxEventBytes });
          expectTypedFailure(outcome);
          for (const event of outcome.events) {
            expectWellFormed(event);
            expect(Buffer.byteLength(event.data)).toBeLessThanOrEqual(maxEventBytes);
          }
          // Whatever came out before a failure is a prefix of what the uncapped decoder gives.
          const full = reference(bytes, options);
          expect(full.slice(0, outcome.events.length)).toEqual(outcome.events);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a chunk source of strings (already decoded) agrees with the byte source (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 8 }),
        async (texts) => {
          const events: SseEvent[] = [];
          for await (const event of decodeSse(
            {
              async *[Symbol.asyncIterator]() {
                yield* texts;
              },
            },
            { flushIncomplete: true },
          ))
            events.push(event);
          expect(events).toEqual(
            referenceText(texts.join(''), { flushIncomplete: true, rawJsonLines: false }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('decodeSse round trip', () => {
  // Field values: any text without line ends (and ids without NUL), multi-byte characters included.
  const value = fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => !/[\r\n]/.test(s));
  const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((s) => !/[\r\n]/.test(s));
  const eventArb = fc.record({
    event: fc.option(name, { nil: undefined }),
    lines: fc.array(value, { minLength: 1, maxLength: 4 }),
    id: fc.option(
      value.filter((s) => s !== '' && !s.includes('\0')),
      { nil: undefined },
    ),
    retry: fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined }),
    comment: fc.option(value, { nil: undefined }),
  });

  it('serialised events decode to exactly the same list under any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 6 }),
        fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        cutPoints,
        async (events, endings, bom, points) => {
          let text = bom ? '\uFEFF' : '';
          let n = 0;
          let previous = '';
          const eol = () => {
            let next = endings[n++ % endings.length] as string;
            // CR then LF would be one line end, not two.
            if (previous.endsWith('\r') && next === '\n') next = '\r\n';
            previous = next;
            return next;
          };
          const expected: SseEvent[] = [];
          let lastId = '';
          for (const e of events) {
            if (e.comment !== undefined) text += `:${e.comment}${eol()}`;
            // Text after a CR must not start with LF either: no field or value does.
            if (e.retry !== undefined) text += `retry: ${e.retry}${eol()}`;
            if (e.event !== undefined) text += `event: ${e.event}${eol()}`;
            if (e.id !== undefined) {
              text += `id: ${e.id}${eol()}`;
              lastId = e.id;
            }
            // A value starting with a space needs the separator space written out, or it would be eaten.
            for (const line of e.lines) text += `data: ${line}${eol()}`;
            text += eol();
            const out: SseEvent = { event: e.event ?? 'message', data: e.lines.join('\n') };
            if (lastId !== '') out.id = lastId;
            if (e.retry !== undefined) out.retry = e.retry;
            expected.push(out);
          }
          const outcome = await run(splitBytes(bytesOf(text), points));
          expect(outcome.error).toBeUndefined();
          expect(outcome.events).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts inside every multi-byte character and between every CR and LF', async () => {
    const text = 'data: héllo\r\ndata: 日本😀\r\n\r\nevent: ü\rdata: ∑\r\r';
    const bytes = bytesOf(text);
    const expected = reference(bytes, { flushIncomplete: false, rawJsonLines: false });
    expect(expected).toHaveLength(2);
    // One byte per chunk puts a cut everywhere at once.
    const single = await run([...bytes].map((b) => Uint8Array.of(b)));
    expect(single.events).toEqual(expected);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect((await run(splitBytes(bytes, [cut]))).events).toEqual(expected);
    }
  });
});

describe('maxEventBytes under any chunking', () => {
  const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));

  it('an event over the cap is a ResponseFormatError however it is chunked, after the events before it (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(text, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.integer({ min: 1, max: 7 }),
        async (max, lines, eol, chunkSize) => {
          const data = lines.join('\n');
          const size = Buffer.byteLength(data);
          fc.pre(size > max);
          const body = bytesOf(`data: ok${eol}${eol}${lines.map((l) => `data: ${l}${eol}`).join('')}${eol}`);
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < body.length; i += chunkSize) chunks.push(body.subarray(i, i + chunkSize));
          const outcome = await run(chunks, { maxEventBytes: max });
          expect(outcome.error).toBeInstanceOf(ResponseFormatError);
          // `data: ok` (8 bytes, unfinished) always fits a cap of 8; below that it depends on the cuts.
          const ok = [{ event: 'message', data: 'ok' }];
          if (max >= 8) expect(outcome.events).toEqual(ok);
          else expect(ok.slice(0, outcome.events.length)).toEqual(outcome.events);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('an event whose data plus its longest line fits the cap decodes under any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(text, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        cutPoints,
        async (events, eol, points) => {
          let max = 1;
          for (const lines of events) {
            const longest = Math.max(...lines.map((l) => Buffer.byteLength(`data: ${l}`)));
            max = Math.max(max, Buffer.byteLength(lines.join('\n')) + longest);
          }
          const body = bytesOf(
            events.map((lines) => `${lines.map((l) => `data: ${l}${eol}`).join('')}${eol}`).join(''),
          );
          const outcome = await run(splitBytes(body, points), { maxEventBytes: max });
          expect(outcome.error).toBeUndefined();
          expect(outcome.events.map((e) => e.data)).toEqual(events.map((lines) => lines.join('\n')));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a line that never ends fails once it passes the cap, even in one-byte chunks', async () => {
    for (const prefix of ['data: ', ': a comment that goes on ', 'event: ', 'unknown']) {
      const body = bytesOf(`${prefix}${'x'.repeat(5000)}`);
      const chunks = [...body].map((b) => Uint8Array.of(b));
      const outcome = await run(chunks, { maxEventBytes: 1000 });
      expect(outcome.error, prefix).toBeInstanceOf(ResponseFormatError);
    }
  });
});

describe('memory stays bounded', () => {
  it('a long stream of small frames never accumulates (a 64-byte cap holds across 100 000 events)', async () => {
    const frame = 'id: 1\ndata: {"t":"abc"}\n\n'; // 24 bytes per event
    const count = 100_000;
    const perChunk = 7; // not a multiple of the frame: every chunk ends inside a line
    const all = frame.repeat(50);
    async function* body(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      const total = frame.length * count;
      const block = bytesOf(all);
      while (sent < total) {
        const offset = sent % block.length;
        const end = Math.min(offset + perChunk, block.length, offset + (total - sent));
        yield block.subarray(offset, end);
        sent += end - offset;
      }
    }
    let seen = 0;
    for await (const event of decodeSse(body(), { maxEventBytes: 64 })) {
      if (event.data !== '{"t":"abc"}') throw new Error(`unexpected ${event.data}`);
      seen++;
    }
    expect(seen).toBe(count);
  });

  it('the parser driven directly keeps nothing between events: one reused output array stays empty', () => {
    const parser = new SseParser({ maxEventBytes: 32 });
    const out: SseEvent[] = [];
    const text = 'event: a\rdata: 1\r\r';
    let dispatched = 0;
    for (let i = 0; i < 50_000; i++) {
      // A CR at the end of one piece and its pair at the start of the next, as over a socket.
      parser.push(text.slice(0, 5), out);
      parser.push(text.slice(5), out);
      if (out.length !== 1 || out[0]?.data !== '1') throw new Error(`event ${i}: ${JSON.stringify(out)}`);
      dispatched++;
      out.length = 0;
    }
    expect(dispatched).toBe(50_000);
    parser.end(out);
    expect(out).toEqual([]);
  });
});
