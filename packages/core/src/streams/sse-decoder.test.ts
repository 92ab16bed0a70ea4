import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRequestError, ResponseFormatError } from '../errors/index.js';
import { recordingSource, splitBytes } from '../testing/fuzz-bytes.js';
import { type LoopbackServer, startLoopbackServer } from '../testing/loopback-server.js';
import { UndiciTransport } from '../transport/undici-transport.js';
import {
  DEFAULT_SSE_OPTIONS,
  decodeSse,
  type SseDecodeOptions,
  type SseEvent,
  SseParser,
} from './sse-decoder.js';

const encoder = new TextEncoder();

async function collect(
  chunks: readonly (Uint8Array | string)[],
  options?: SseDecodeOptions,
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of decodeSse(recordingSource(chunks).iterable, options)) events.push(event);
  return events;
}

// Every rule at once: BOM, comments, retry-only block, CRLF, lone CR, no-space and two-space data,
// a field without colon, an event without data, id reset, NUL id, unknown field, multi-byte text,
// [DONE] and a trailing event without its blank line.
const SAMPLE = [
  '\uFEFF: a comment\n',
  'retry: 3000\n',
  '\n',
  'event: greeting\r\n',
  'data: héllo wörld 😀\r\n',
  'id: 1\r\n',
  '\r\n',
  'data:no space\r',
  'data:  two spaces\r',
  '\r',
  'data\n',
  '\n',
  'event: ignored\n',
  '\n',
  'data: 日本語\n',
  'foo: bar\n',
  'id\n',
  'data: second line\n',
  '\n',
  'id: bad\0id\n',
  'retry: 12x\n',
  'data: [DONE]\n',
  '\n',
  'data: trailing',
].join('');

const SAMPLE_EVENTS: SseEvent[] = [
  { event: 'greeting', data: 'héllo wörld 😀', id: '1', retry: 3000 },
  { event: 'message', data: 'no space\n two spaces', id: '1' },
  { event: 'message', data: '', id: '1' },
  { event: 'message', data: '日本語\nsecond line' },
  { event: 'message', data: '[DONE]' },
];

const SAMPLE_BYTES = encoder.encode(SAMPLE);

describe('decodeSse', () => {
  it('decodes the sample in one chunk', async () => {
    expect(await collect([SAMPLE_BYTES])).toEqual(SAMPLE_EVENTS);
    expect(await collect([SAMPLE])).toEqual(SAMPLE_EVENTS);
  });

  it('yields identical events for every split point of the sample', async () => {
    for (let i = 0; i <= SAMPLE_BYTES.length; i++) {
      expect(await collect(splitBytes(SAMPLE_BYTES, [i])), `split at ${i}`).toEqual(SAMPLE_EVENTS);
    }
  });

  it('yields identical events with one byte per chunk', async () => {
    const chunks = Array.from(SAMPLE_BYTES, (byte) => Uint8Array.of(byte));
    expect(await collect(chunks)).toEqual(SAMPLE_EVENTS);
  });

  it('yields identical events for any chunking (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: SAMPLE_BYTES.length }), { maxLength: 12 }), async (points) => {
        expect(await collect(splitBytes(SAMPLE_BYTES, points))).toEqual(SAMPLE_EVENTS);
      }),
    );
  });

  it('round-trips arbitrary events with any line ending and chunking (property)', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n\0]/.test(s));
    const eventArb = fc.record({
      event: fc.option(
        text.filter((s) => !s.startsWith(' ')),
        { nil: undefined },
      ),
      lines: fc.array(text, { minLength: 1, maxLength: 3 }),
      id: fc.option(
        text.filter((s) => s !== '' && !s.startsWith(' ')),
        { nil: undefined },
      ),
      space: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 5 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (events, eol, rawPoints) => {
          let wire = '';
          const expected: SseEvent[] = [];
          let lastId: string | undefined;
          for (const e of events) {
            if (e.event !== undefined) wire += `event: ${e.event}${eol}`;
            for (const line of e.lines)
              wire += `data:${e.space || line.startsWith(' ') ? ' ' : ''}${line}${eol}`;
            if (e.id !== undefined) {
              wire += `id: ${e.id}${eol}`;
              lastId = e.id;
            }
            wire += eol;
            const out: SseEvent = { event: e.event || 'message', data: e.lines.join('\n') };
            if (lastId !== undefined) out.id = lastId;
            expected.push(out);
          }
          const bytes = encoder.encode(wire);
          const points = rawPoints.map((p) => p % (bytes.length + 1));
          expect(await collect(splitBytes(bytes, points))).toEqual(expected);
        },
      ),
    );
  });

  it('drops only one leading BOM, and only at the very start', async () => {
    expect(await collect(['\uFEFF\uFEFFdata: x\n\n'])).toEqual([]); // the second BOM makes an unknown field
    expect(await collect(['data: \uFEFFx\n\n'])).toEqual([{ event: 'message', data: '\uFEFFx' }]);
    expect(await collect([Uint8Array.of(0xef), Uint8Array.of(0xbb, 0xbf), 'data: y\n\n'])).toEqual([
      { event: 'message', data: 'y' },
    ]);
  });

  it('treats CR at the end of a chunk and LF at the start of the next as one line end', async () => {
    expect(await collect(['data: a\r', '\ndata: b\r', '\n\r', '\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
    // A lone CR followed by a chunk that does not start with LF ends the line by itself.
    expect(await collect(['data: a\r', '\r'])).toEqual([{ event: 'message', data: 'a' }]);
  });

  it('decodes multi-byte UTF-8 split inside a character', async () => {
    const bytes = encoder.encode('data: 😀é日\n\n');
    for (let i = 6; i < bytes.length - 2; i++) {
      expect(await collect(splitBytes(bytes, [i, i + 1]))).toEqual([{ event: 'message', data: '😀é日' }]);
    }
  });

  it('ignores comments and unknown fields, and an event without data', async () => {
    expect(await collect([':ping\n\n: keep-alive\nevent: x\n\nfoo:bar\ndata: z\n\n'])).toEqual([
      { event: 'message', data: 'z' },
    ]);
  });

  it('reports retry only when it is all digits, on the next dispatched event', async () => {
    expect(await collect(['retry: 10\n\nretry: 1e3\ndata: a\n\nretry:\ndata: b\n\n'])).toEqual([
      { event: 'message', data: 'a', retry: 10 },
      { event: 'message', data: 'b' },
    ]);
  });

  it('drops a trailing event without its blank line unless flushIncomplete', async () => {
    expect(await collect(['data: a\n\ndata: b\n'])).toEqual([{ event: 'message', data: 'a' }]);
    expect(await collect(['data: a\n\ndata: b'], { flushIncomplete: true })).toEqual([
      { event: 'message', data: 'a' },
      { event: 'message', data: 'b' },
    ]);
    expect(await collect(['data: a\n\nevent: e\ndata: b\n'], { flushIncomplete: true })).toEqual([
      { event: 'message', data: 'a' },
      { event: 'e', data: 'b' },
    ]);
    expect(await collect([SAMPLE_BYTES], { flushIncomplete: true })).toEqual([
      ...SAMPLE_EVENTS,
      { event: 'message', data: 'trailing' },
    ]);
  });

  it('refuses any other line over maxEventBytes even when it arrives whole in one chunk', async () => {
    const long = 'x'.repeat(20);
    for (const line of [`: ${long}`, `event: ${long}`, `id: ${long}`, `unknown: ${long}`]) {
      await expect(collect([`${line}\ndata: ok\n\n`], { maxEventBytes: 10 }), line).rejects.toBeInstanceOf(
        ResponseFormatError,
      );
    }
    // Short lines of every kind still pass.
    expect(await collect([': c\nevent: e\nid: 1\ndata: ok\n\n'], { maxEventBytes: 10 })).toHaveLength(1);
  });

  it('enforces maxEventBytes in bytes, across data lines and on an unfinished line', async () => {
    expect(await collect(['data: 1234\ndata: 56789\n\n'], { maxEventBytes: 10 })).toEqual([
      { event: 'message', data: '1234\n56789' },
    ]);
    await expect(collect(['data: 1234\ndata: 567890\n\n'], { maxEventBytes: 10 })).rejects.toBeInstanceOf(
      ResponseFormatError,
    );
    // 4 characters, 12 bytes.
    await expect(collect(['data: 日本語日\n\n'], { maxEventBytes: 11 })).rejects.toBeInstanceOf(
      ResponseFormatError,
    );
    expect(await collect(['data: 日本語日\n\n'], { maxEventBytes: 12 })).toHaveLength(1);
    // A line that never ends.
    const endless = recordingSource(Array.from({ length: 100 }, () => 'x'.repeat(100)));
    const error = await (async () => {
      for await (const _ of decodeSse(endless.iterable, { maxEventBytes: 1_000 })) {
        // nothing is dispatched
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseFormatError);
    expect(endless.stats.pulled).toBeLessThan(20);
    expect(endless.stats.returned).toBe(1);
    expect(DEFAULT_SSE_OPTIONS.maxEventBytes).toBe(1024 * 1024);
  });

  it('delivers the events before an error first', async () => {
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of decodeSse(
        recordingSource([`data: ok\n\ndata: ${'y'.repeat(50)}\n\n`]).iterable,
        {
          maxEventBytes: 20,
        },
      )) {
        seen.push(event.data);
      }
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['ok']);
    expect(error).toBeInstanceOf(ResponseFormatError);
  });

  it('calls return() on the source when the consumer breaks, throws, or returns before reading', async () => {
    const broken = recordingSource(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
    for await (const event of decodeSse(broken.iterable)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(broken.stats.returned).toBe(1);
    expect(broken.stats.pulled).toBe(1);

    const thrown = recordingSource(['data: 1\n\n', 'data: 2\n\n']);
    await expect(
      (async () => {
        for await (const _ of decodeSse(thrown.iterable)) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(thrown.stats.returned).toBe(1);

    const unread = recordingSource(['data: 1\n\n']);
    const iterator = decodeSse(unread.iterable);
    await iterator.return(undefined);
    expect(unread.stats.returned).toBe(1);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('does not call return() when the source itself failed', async () => {
    let returned = 0;
    const failing: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.reject(new Error('socket reset')),
        return: async () => {
          returned++;
          return { value: undefined, done: true };
        },
      }),
    };
    await expect(decodeSse(failing).next()).rejects.toThrow('socket reset');
    expect(returned).toBe(0);
  });

  it('serves concurrent next() calls in order', async () => {
    const iterator = decodeSse(recordingSource(['data: a\n\n', 'data: b\n\n']).iterable);
    const [a, b, c] = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
    expect([a.value?.data, b.value?.data, c.done]).toEqual(['a', 'b', true]);
  });

  it('rejects invalid options at once', () => {
    expect(() => decodeSse(recordingSource([]).iterable, { maxEventBytes: 0 })).toThrow(InvalidRequestError);
  });

  it('SseParser can be driven directly', () => {
    const parser = new SseParser();
    const out: SseEvent[] = [];
    parser.push('data: a\n', out);
    expect(out).toEqual([]);
    parser.push('\n', out);
    expect(out).toEqual([{ event: 'message', data: 'a' }]);
  });
});

describe('decodeSse over the transport', () => {
  let server: LoopbackServer | undefined;
  let transport: UndiciTransport | undefined;
  afterEach(async () => {
    await transport?.destroy();
    await server?.close();
  });

  it('decodes a dripped stream, and breaking out closes the socket', async () => {
    server = await startLoopbackServer();
    transport = new UndiciTransport();
    const pending = transport.request({ url: server.url('/events'), method: 'GET' });
    const ex = await server.nextExchange();
    ex.writeHead(200, { 'content-type': 'text/event-stream' });
    const response = await pending;
    const events = decodeSse(response.body);
    await ex.write('data: one\n');
    await ex.write('\nevent: two\ndata: 2');
    expect((await events.next()).value).toEqual({ event: 'message', data: 'one' });
    const second = events.next();
    await ex.write('\n\n');
    expect((await second).value).toEqual({ event: 'two', data: '2' });
    await ex.write('data: three\n\n');
    for await (const event of events) {
      expect(event.data).toBe('three');
      break;
    }
    await ex.socketClosed; // the body was cancelled, so undici closed the connection
  });
});

describe('rawJsonLines', () => {
  const decode = async (chunks: string[], options?: Parameters<typeof decodeSse>[1]) => {
    const out = [];
    for await (const e of decodeSse(
      (async function* () {
        yield* chunks;
      })(),
      options,
    ))
      out.push(e);
    return out;
  };

  it('is off by default: a bare JSON line is ignored, as the spec says', async () => {
    expect(await decode(['data: a\n\n{"error":{"code":500}}\n\n'])).toEqual([
      { event: 'message', data: 'a' },
    ]);
  });

  it('dispatches bare JSON lines as raw events, also a last one without a newline', async () => {
    expect(
      await decode(['data: a\n\n{"error":{"code":500}}\n', 'data: b\n\n[1,2]\n', '{"error":{"code":503}}'], {
        rawJsonLines: true,
      }),
    ).toEqual([
      { event: 'message', data: 'a' },
      { event: 'raw', data: '{"error":{"code":500}}' },
      { event: 'message', data: 'b' },
      { event: 'raw', data: '[1,2]' },
      { event: 'raw', data: '{"error":{"code":503}}' },
    ]);
  });
});
