/**
 * Fuzz tests of the Python bytes-literal decoder and the ChatQnA stream mapper built on it: any bytes
 * written the way CPython's `repr(bytes)` writes them (or in any other spelling the grammar allows) decode
 * back to the same bytes; any other text is a SyntaxError (from the decoder) or a taxonomy error (from the
 * mapper), never another exception; UTF-8 text cut into frames at any byte comes out whole.
 */
import { AccelerateError, type ChatStreamEvent, type SseEvent } from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChatQnAStreamMapper } from './opea-chatqna-stream.js';
import { decodePythonBytesLiteral, isPythonBytesLiteral } from './python-bytes-literal.js';

/**
 * `repr(value)` of a Python `bytes`, from CPython's `bytes_repr` (Objects/bytesobject.c): single quotes
 * unless the bytes hold `'` and no `"`; the quote in use and `\` escaped; `\t \n \r`; `\xhh` (lower case)
 * below 0x20 and from 0x7f; every other byte as its ASCII character.
 */
function cpythonRepr(value: Uint8Array): string {
  const quote = value.includes(0x27) && !value.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of value) {
    const char = String.fromCharCode(byte);
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}${quote}`;
}

const NAMED: Readonly<Record<number, string>> = {
  7: 'a',
  8: 'b',
  12: 'f',
  10: 'n',
  13: 'r',
  9: 't',
  11: 'v',
  92: '\\',
  39: "'",
  34: '"',
};

/** How one byte is spelled, chosen per byte: every spelling Python's grammar gives it. */
type Spelling = 'plain' | 'hex' | 'HEX' | 'octal' | 'named';

/** Another valid spelling of the same bytes: any prefix case, either quote, maybe triple, continuations, padding. */
function anySpelling(
  value: Uint8Array,
  choices: {
    prefix: string;
    quote: string;
    triple: boolean;
    spellings: Spelling[];
    breaks: boolean[];
    pad: string;
  },
): string {
  const q = choices.triple ? choices.quote.repeat(3) : choices.quote;
  let out = `${choices.pad}${choices.prefix}${q}`;
  value.forEach((byte, i) => {
    if (choices.breaks[i % choices.breaks.length]) out += '\\\n'; // a backslash-newline continuation: no byte
    const char = String.fromCharCode(byte);
    const spelling = choices.spellings[i % choices.spellings.length] ?? 'hex';
    const printable = byte >= 0x20 && byte < 0x7f && char !== '\\' && char !== choices.quote;
    if (spelling === 'plain' && printable) out += char;
    else if (spelling === 'named' && NAMED[byte] !== undefined) out += `\\${NAMED[byte]}`;
    else if (spelling === 'octal') out += `\\${byte.toString(8).padStart(3, '0')}`;
    else if (spelling === 'HEX') out += `\\x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
    else out += `\\x${byte.toString(16).padStart(2, '0')}`;
  });
  return `${out}${q}${choices.pad}`;
}

/** The decoder's documented failure is a SyntaxError; anything else escaping it is a bug. */
function decodeOrSyntaxError(text: string): Uint8Array | SyntaxError {
  try {
    return decodePythonBytesLiteral(text);
  } catch (error) {
    if (error instanceof SyntaxError) return error;
    throw error;
  }
}

describe('decodePythonBytesLiteral fuzz', () => {
  it('decodes what CPython writes for any bytes back to the same bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (value) => {
        const literal = cpythonRepr(value);
        expect(isPythonBytesLiteral(literal)).toBe(true);
        expect([...decodePythonBytesLiteral(literal)]).toEqual([...value]);
      }),
      { numRuns: 500 },
    );
  });

  it('decodes every other spelling the grammar allows to the same bytes (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.record({
          prefix: fc.constantFrom('b', 'B'),
          quote: fc.constantFrom("'", '"'),
          triple: fc.boolean(),
          spellings: fc.array(fc.constantFrom<Spelling>('plain', 'hex', 'HEX', 'octal', 'named'), {
            minLength: 1,
            maxLength: 8,
          }),
          breaks: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          pad: fc.constantFrom('', ' ', '\t', '\n'),
        }),
        (value, choices) => {
          expect([...decodePythonBytesLiteral(anySpelling(value, choices))]).toEqual([...value]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('any text: bytes or a SyntaxError, and only literals of ASCII are accepted (property)', () => {
    const literalish = fc
      .tuple(
        fc.constantFrom('b', 'B', 'rb', 'Rb', 'bR', 'br', '', 'u', 'f'),
        fc.constantFrom("'", '"', "'''", '"""'),
        fc.array(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 4 }),
            fc.constantFrom(
              '\\',
              '\\x',
              '\\x4',
              '\\xg1',
              '\\0',
              '\\777',
              '\\\n',
              '\\\r\n',
              "'",
              '"',
              '\n',
              '\r',
              'é',
              '\\é',
              '\\中',
            ),
          ),
          { maxLength: 10 },
        ),
        fc.constantFrom("'", '"', "'''", '"""', '', '\\'),
      )
      .map(([prefix, open, body, close]) => `${prefix}${open}${body.join('')}${close}`);
    fc.assert(
      fc.property(fc.oneof(literalish, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        const result = decodeOrSyntaxError(text);
        if (result instanceof SyntaxError) return;
        // Python refuses any character outside ASCII in a bytes literal, raw or not.
        expect([...text.trim()].every((char) => char.charCodeAt(0) <= 0x7f)).toBe(true);
        expect(result.every((byte) => byte >= 0 && byte <= 255)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a literal that ends early is a SyntaxError, wherever it is cut (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), (value, cut) => {
        const literal = cpythonRepr(value);
        const at = 2 + (cut % (literal.length - 2)); // keep `b` and the opening quote
        const cutShort = literal.slice(0, at);
        const result = decodeOrSyntaxError(cutShort);
        // A cut that happens to end in the closing quote is a shorter literal; anything else is refused.
        if (!(result instanceof SyntaxError)) expect(cutShort.endsWith(literal[1] as string)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

// ---- the ChatQnA stream mapper ----

const frame = (data: string, event = 'message'): SseEvent => ({ event, data });

function textOf(events: readonly ChatStreamEvent[]): string {
  return events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}

function mapAll(frames: readonly SseEvent[]): { events: ChatStreamEvent[]; error?: unknown } {
  const mapper = createChatQnAStreamMapper();
  const events: ChatStreamEvent[] = [];
  for (const f of frames) {
    let out: ChatStreamEvent | readonly ChatStreamEvent[] | undefined;
    try {
      out = mapper.map(f);
    } catch (error) {
      return { events, error };
    }
    if (out !== undefined) events.push(...(Array.isArray(out) ? out : [out as ChatStreamEvent]));
  }
  return { events };
}

describe('createChatQnAStreamMapper fuzz', () => {
  it('UTF-8 text cut into bytes-literal frames at any byte comes out whole, then one finish (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, points) => {
          const bytes = new TextEncoder().encode(text);
          const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
          const frames: SseEvent[] = [];
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            frames.push(frame(cpythonRepr(bytes.subarray(from, cut))));
            from = cut;
          }
          // A piece that starts with `{` and is an error object would be an in-band error; text is not one.
          frames.push(frame('[DONE]'));
          const { events, error } = mapAll(frames);
          if (error !== undefined) {
            // Only a piece that happens to be a JSON error object may stop the stream, as a taxonomy error.
            expect(AccelerateError.isInstance(error)).toBe(true);
            return;
          }
          expect(textOf(events)).toBe(text);
          expect(events.filter((e) => e.type === 'finish')).toEqual([
            { type: 'finish', finishReason: 'stop' },
          ]);
          expect(events.at(-1)?.type).toBe('finish');
          for (const e of events) if (e.type === 'text-delta') expect(e.text).not.toBe('');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any frame: text, a finish, or a taxonomy error, never another exception (property)', () => {
    const data = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.uint8Array({ maxLength: 20 }).map(cpythonRepr),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
      fc
        .record({
          error: fc.oneof(fc.string(), fc.record({ message: fc.string(), code: fc.integer() })),
          object: fc.constantFrom('error', 'chat.completion.chunk'),
          message: fc.string(),
          code: fc.integer({ min: 0, max: 999 }),
        })
        .map((v) => JSON.stringify(v)),
      fc.constantFrom(
        '[DONE]',
        ' [DONE] ',
        'b\'{"error": "boom"}\'',
        `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`,
      ),
    );
    fc.assert(
      fc.property(fc.array(data, { maxLength: 6 }), (datas) => {
        const { events, error } = mapAll(datas.map((d) => frame(d)));
        if (error !== undefined && !AccelerateError.isInstance(error)) throw error;
        for (const e of events) {
          if (e.type === 'text-delta') expect(typeof e.text === 'string' && e.text !== '').toBe(true);
          else expect(e).toEqual({ type: 'finish', finishReason: 'stop' });
        }
      }),
      { numRuns: 500 },
    );
  });
});
