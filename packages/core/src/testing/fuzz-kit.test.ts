import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FrameMapper } from '../backend.js';
import type { ChatStreamEvent } from '../capabilities.js';
import { InvalidRequestError, RateLimitError, ResponseFormatError, StreamError } from '../errors/index.js';
import {
  anyBody,
  anyErrorResponse,
  DEEP_JSON_TEXTS,
  DEEP_VALUES,
  deeplyNested,
  eventsOf,
  expectChatStreamEvent,
  expectOptionalType,
  expectTaxonomyError,
  expectTokenUsage,
  expectToolCall,
  fuzzAttemptContext,
  fuzzedBody,
  isCount,
  MISSING_FIELD,
  mapFramesOrTypedError,
  mapsToTaxonomyError,
  nearMiss,
  ownObject,
  plantTrap,
  rarelyPresent,
  resultOrTypedError,
  toJsonText,
  trapValue,
  wrongValue,
} from '../fuzz.js';
import { isPlainObject } from '../validate-input.js';
import { chunkSource, concatBytes, splitBytes } from './fuzz-bytes.js';

/** Reads `{ text }` trusting the shape: a TypeError on null, a string method call on a number, … */
function carelessReader(body: unknown): string {
  return (body as { text: string }).text.toUpperCase();
}

/** Reads `{ text }` checking the shape: a ResponseFormatError for anything else. */
function carefulReader(body: unknown): string {
  if (!isPlainObject(body) || typeof body.text !== 'string') {
    throw new ResponseFormatError('reader: text must be a string');
  }
  return body.text.toUpperCase();
}

const reply = nearMiss({ text: fc.string(), id: fc.string() });

/** The error a failed `fc.assert` reports as its cause (what the property threw). */
function causeOfFailure(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return (error as Error).cause;
  }
  throw new Error('expected the property to fail');
}

function depthOf(value: unknown): number {
  let depth = 0;
  let at = value;
  while (typeof at === 'object' && at !== null) {
    at = Array.isArray(at) ? at[0] : (at as Record<string, unknown>).a;
    depth++;
  }
  return depth;
}

describe('resultOrTypedError', () => {
  it('rejects a reader that throws a TypeError on a trap value', () => {
    const cause = causeOfFailure(() =>
      fc.assert(
        fc.property(trapValue, (body) => {
          resultOrTypedError(
            () => carelessReader(body),
            () => {},
          );
        }),
        { numRuns: 200 },
      ),
    );
    expect(cause).toBeInstanceOf(TypeError);
  });

  it('accepts a reader that throws ResponseFormatError for every bad body (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(reply), (body) => {
        const outcome = resultOrTypedError(
          () => carefulReader(body),
          (text) => expect(typeof text).toBe('string'),
        );
        expect(['result', 'error']).toContain(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it('says which happened, and fails when the result check fails', () => {
    expect(
      resultOrTypedError(
        () => 1,
        () => {},
      ),
    ).toBe('result');
    expect(
      resultOrTypedError(
        () => {
          throw new InvalidRequestError('x');
        },
        () => {},
      ),
    ).toBe('error');
    expect(() =>
      resultOrTypedError(
        () => 1,
        () => {
          throw new Error('bad result');
        },
      ),
    ).toThrow('bad result');
  });
});

describe('expectTaxonomyError', () => {
  it('throws anything but a taxonomy error again as it is', () => {
    const error = new RangeError('Maximum call stack size exceeded');
    expect(() => expectTaxonomyError(error)).toThrow(error);
    expect(() => expectTaxonomyError('a string')).toThrow();
  });

  it('rejects a taxonomy error with malformed fields', () => {
    expect(() => expectTaxonomyError(new RateLimitError('x', { status: 429.5 }))).toThrow(/status is 429\.5/);
    expect(() => expectTaxonomyError(new RateLimitError('x', { retryAfterMs: -1 }))).toThrow(/retryAfterMs/);
    expect(() => expectTaxonomyError(new RateLimitError('x', { retryAfterMs: Number.NaN }))).toThrow(
      /retryAfterMs/,
    );
    const wrongProvider = new RateLimitError('x', { provider: 7 as unknown as string });
    expect(() => expectTaxonomyError(wrongProvider)).toThrow(/provider is 7/);
    expect(() =>
      expectTaxonomyError(new RateLimitError('x', { status: 429, retryAfterMs: 0 })),
    ).not.toThrow();
  });
});

describe('mapsToTaxonomyError', () => {
  it('rejects a mapper that returns a plain object or throws', () => {
    expect(() => mapsToTaxonomyError(() => ({ code: 'rate_limited', message: 'x' }))).toThrow(
      /expected the mapper to return an AccelerateError/,
    );
    expect(() =>
      mapsToTaxonomyError(() => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
  });

  it('rejects a mapper that fails on some error responses, accepts one that never does (property)', () => {
    const careless = (response: { status: number; bodyJson: unknown }) =>
      new RateLimitError((response.bodyJson as { message: string }).message, { status: response.status });
    const cause = causeOfFailure(() =>
      fc.assert(
        fc.property(anyErrorResponse, (response) => {
          mapsToTaxonomyError(() => careless(response));
        }),
        { numRuns: 200 },
      ),
    );
    expect(cause).toBeInstanceOf(TypeError);
    fc.assert(
      fc.property(anyErrorResponse, (response) => {
        const error = mapsToTaxonomyError(() => new RateLimitError('limited', { status: response.status }));
        expect(error.status).toBe(response.status);
      }),
      { numRuns: 100 },
    );
  });
});

describe('mapFramesOrTypedError', () => {
  /** Maps `'t…'` to a text delta, `'x'` to an in-band error, `'bad'` to a malformed event; `'end'` ends. */
  const mapper = (
    isTerminal: (frame: string) => unknown = (f) => f === 'end',
  ): FrameMapper<string, ChatStreamEvent> => ({
    map(frame) {
      if (frame === 'x') throw new StreamError('in-band error');
      if (frame === 'bad') return { type: 'finish', finishReason: 'toString' } as unknown as ChatStreamEvent;
      return frame === 'end' ? undefined : [{ type: 'text-delta', text: frame }];
    },
    isTerminal: isTerminal as (frame: string) => boolean,
  });

  it('maps every frame, stops at a taxonomy error, and fails on a malformed event', () => {
    expect(mapFramesOrTypedError(mapper(), ['ta', 'tb', 'end'], expectChatStreamEvent)).toBe('mapped');
    expect(mapFramesOrTypedError(mapper(), ['ta', 'x', 'bad'], expectChatStreamEvent)).toBe('error');
    expect(() => mapFramesOrTypedError(mapper(), ['ta', 'bad'], expectChatStreamEvent)).toThrow(
      /finishReason/,
    );
    const seen: string[] = [];
    mapFramesOrTypedError(mapper(), ['ta', 'tb'], (event) => {
      if (event.type === 'text-delta') seen.push(event.text);
    });
    expect(seen).toEqual(['ta', 'tb']);
  });

  it('fails when isTerminal answers anything but a boolean, and lets a mapper go without one', () => {
    expect(() =>
      mapFramesOrTypedError(
        mapper(() => 1),
        ['ta'],
        expectChatStreamEvent,
      ),
    ).toThrow(/isTerminal returned 1/);
    const { map } = mapper();
    expect(mapFramesOrTypedError({ map }, ['ta'], expectChatStreamEvent)).toBe('mapped');
  });
});

describe('the arbitraries', () => {
  it('plantTrap never mutates the body it plants into (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.integer(), (body, seed) => {
        const before = JSON.stringify(body);
        const planted = fc.sample(plantTrap(fc.constant(body)), { numRuns: 5, seed });
        expect(JSON.stringify(body)).toBe(before);
        if (typeof body === 'object' && body !== null && Object.keys(body).length > 0) {
          for (const copy of planted) expect(copy).not.toBe(body);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('plantTrap replaces exactly one value of a flat body with a trap', () => {
    const planted = fc.sample(plantTrap(fc.constant({ a: 1, b: 2 })), 50);
    for (const copy of planted) {
      const changed = Object.entries(copy as object).filter(([key, value]) => value !== { a: 1, b: 2 }[key]);
      expect(changed.length).toBeLessThanOrEqual(1);
    }
  });

  it('nearMiss never leaves the missing marker in, and keeps __proto__ an own key (property)', () => {
    const fields = ['text', 'error'];
    const strays = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'error'];
    fc.assert(
      fc.property(nearMiss({ text: fc.string(), error: rarelyPresent(fc.string()) }), (body) => {
        expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
        for (const [key, value] of Object.entries(body)) {
          expect(value).not.toBe(MISSING_FIELD);
          expect([...fields, ...strays]).toContain(key);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('wrongValue, trapValue and anyBody all make values (property)', () => {
    fc.assert(
      fc.property(wrongValue, trapValue, anyBody, () => {}),
      { numRuns: 50 },
    );
  });

  it('ownObject makes __proto__ an own key without touching the prototype', () => {
    const value = ownObject([['__proto__', { polluted: 1 }]]);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('deeplyNested nests as deep as asked, and depth 0 is the plain 0', () => {
    expect(depthOf(deeplyNested(30, (v) => [v]))).toBe(30);
    expect(deeplyNested(0, (v) => [v])).toBe(0);
    expect(DEEP_VALUES.map(depthOf)).toEqual([20_000, 20_000]);
  });

  it('toJsonText writes the deep values JSON.stringify cannot, and JSON.parse reads them back', () => {
    expect(() => JSON.stringify(DEEP_VALUES[0])).toThrow(RangeError);
    expect(toJsonText(DEEP_VALUES[0])).toBe(DEEP_JSON_TEXTS[0]);
    expect(depthOf(JSON.parse(toJsonText(DEEP_VALUES[0])))).toBe(20_000);
    const inside = JSON.parse(toJsonText({ x: [1, DEEP_VALUES[1]] })) as { x: [number, unknown] };
    expect(depthOf(inside.x[1])).toBe(20_000);
    expect(toJsonText(undefined)).toBe('null');
    expect(toJsonText({ a: 'b' })).toBe('{"a":"b"}');
  });

  it('fuzzAttemptContext is a whole context without credentials', () => {
    const context = fuzzAttemptContext();
    expect(context.requestId).toBe('req_fuzz');
    expect(fuzzAttemptContext('req_1').requestId).toBe('req_1');
    expect(context.attempt).toBe(1);
    expect(context.signal.aborted).toBe(false);
    expect(context.lane.apiKey()).toBeUndefined();
    expect(context.providerRequestId).toBeUndefined();
  });
});

describe('the shape checks', () => {
  it('expectChatStreamEvent accepts the four event types and rejects malformed ones', () => {
    expectChatStreamEvent({ type: 'text-delta', text: 'a' });
    expectChatStreamEvent({ type: 'tool-call-delta', index: 0, argumentsDelta: '', id: 'c' });
    expectChatStreamEvent({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 1 } });
    const bad = (event: unknown) => () =>
      expectChatStreamEvent(event as Parameters<typeof expectChatStreamEvent>[0]);
    expect(bad({ type: 'text-delta', text: 1 })).toThrow(/text-delta: text is 1/);
    expect(bad({ type: 'finish', finishReason: 'toString' })).toThrow(/finishReason/);
    expect(bad({ type: 'finish', finishReason: 'stop', usage: { inputTokens: -1 } })).toThrow(/inputTokens/);
    expect(bad({ type: 'tool-call-delta', index: '0', argumentsDelta: '' })).toThrow(/index/);
    expect(bad({ type: 'tool-call-delta', index: 0, argumentsDelta: '', name: 3 })).toThrow(
      /string or undefined/,
    );
    expect(bad({ type: 'ping', nested: DEEP_VALUES[0] })).toThrow(/unknown chat stream event/);
  });

  it('expectToolCall, expectTokenUsage, expectOptionalType and isCount', () => {
    expectToolCall({ id: 'c', name: 'f', arguments: '{}' });
    expect(() => expectToolCall({ id: '', name: 'f', arguments: '{}' })).toThrow(/id/);
    expect(() => expectToolCall({ id: 'c', name: 'f', arguments: {} })).toThrow(/arguments/);
    expect(() => expectToolCall(null)).toThrow(/expected an object/);
    expectTokenUsage(undefined);
    expect(() => expectTokenUsage([1])).toThrow(/plain object/);
    expect(() => expectTokenUsage({ total: Number.POSITIVE_INFINITY })).toThrow(/usage\.total/);
    expectOptionalType(undefined, 'number');
    expect(() => expectOptionalType('1', 'number')).toThrow(/number or undefined/);
    expect([0, 3, -1, Number.NaN, '1'].map(isCount)).toEqual([true, true, false, false, false]);
  });

  it('eventsOf lists none, one or many events', () => {
    expect(eventsOf(undefined)).toEqual([]);
    expect(eventsOf('a')).toEqual(['a']);
    expect(eventsOf(['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe('byte helpers', () => {
  it('splitBytes cuts anywhere and concatBytes joins the pieces back (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat(), { maxLength: 8 }), (bytes, points) => {
        const pieces = splitBytes(bytes, points);
        expect(pieces.length).toBeLessThanOrEqual(points.length + 1);
        expect(concatBytes(pieces)).toEqual(bytes);
      }),
    );
  });

  it('chunkSource yields the chunks in order', async () => {
    const chunks = [Uint8Array.of(1), Uint8Array.of(2, 3)];
    const seen: Uint8Array[] = [];
    for await (const chunk of chunkSource(chunks)) seen.push(chunk);
    expect(seen).toEqual(chunks);
  });
});
