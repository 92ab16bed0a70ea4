/**
 * Fuzz tests of Groq's readers on top of the OpenAI-compatible ones (fuzzed in that package): `x_groq`
 * extensions, the chat body and stream with Groq's hooks, and Groq's own error statuses. Arbitrary JSON and
 * near-miss bodies give a well-formed result or a taxonomy error; the error mapper never throws.
 */
import {
  AccelerateError,
  type ChatStreamEvent,
  type ErrorResponse,
  isPlainObject,
  type SseEvent,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGroqChatResponse } from './groq-chat.js';
import { createGroqChatStreamMapper, type GroqChatStreamEvent } from './groq-chat-stream.js';
import { GROQ_CAPACITY_EXCEEDED_STATUS, GROQ_CLIENT_CLOSED_STATUS, parseGroqError } from './groq-error.js';
import {
  GROQ_HOOKS,
  type GroqTimings,
  readGroqReasoning,
  readGroqRequestId,
  readGroqTimings,
  readGroqUsage,
} from './groq-extensions.js';

// ---- fuzz kit (the same in every provider's parse fuzz file) ----

/** A value nested deeper than a recursive reader or JSON.stringify can follow; JSON.parse accepts it. */
function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = wrap(value);
  // fast-check prints counterexamples recursively: give it a short name instead.
  Object.defineProperty(value, fc.toStringMethod, { value: () => `<nested ${depth} deep>` });
  return value;
}

const DEEP: readonly unknown[] = [nested(20_000, (v) => [v]), nested(20_000, (v) => ({ a: v }))];

/** An object as JSON.parse makes it: every key an own property, `__proto__` included. */
function own(entries: Iterable<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** JSON values that trip careless readers: coercion traps, prototype keys, extremes, deep nesting. */
const trap: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    1e308,
    -1e308,
    2 ** 53 + 2,
    '',
    ' ',
    'NaN',
    '-1',
    '1e999',
    '__proto__',
    'constructor',
    'toString',
    '\u0000',
    'x'.repeat(5000),
    [],
    {},
    [null],
    [[]],
    own([['toString', 1]]),
    own([
      ['valueOf', 1],
      ['toString', 1],
    ]),
    own([['__proto__', { polluted: 1 }]]),
    own([['constructor', 'x']]),
  ),
  fc.constantFrom(...DEEP),
);

const MISSING = Symbol('missing');

/** A wrong value for a field: a trap, any JSON, or the field left out. */
const wrong: fc.Arbitrary<unknown> = fc.oneof(trap, fc.jsonValue({ maxDepth: 2 }), fc.constant(MISSING));

/** A field that is usually absent: error keys and the like, which would hide the rest of the body. */
const rarely = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: fc.constant(MISSING), weight: 4 }, { arbitrary: valid, weight: 1 });

/** Any body at all. */
const anyBody: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.anything(), trap);

/** The valid shape with each field sometimes wrong (or left out), plus now and then a stray key. */
function nearMiss(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const arbitraries = Object.fromEntries(
    Object.entries(fields).map(([key, valid]) => [
      key,
      fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: wrong, weight: 1 }),
    ]),
  );
  const stray = fc.tuple(
    fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'error'),
    wrong,
  );
  return fc
    .tuple(fc.record(arbitraries), fc.array(stray, { maxLength: 1 }))
    .map(([record, extra]) => own([...Object.entries(record), ...extra].filter(([, v]) => v !== MISSING)));
}

/** `body` with one value somewhere inside it (picked at random) replaced by a trap: a copy, never a mutation. */
function planted(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.tuple(body, fc.nat(), trap).map(([value, pick, replacement]) => {
    const paths: Array<Array<string | number>> = [];
    const walk = (v: unknown, path: Array<string | number>): void => {
      if (paths.length >= 500 || DEEP.includes(v)) return;
      if (Array.isArray(v)) {
        v.forEach((item, i) => {
          paths.push([...path, i]);
          walk(item, [...path, i]);
        });
      } else if (isPlainObject(v)) {
        for (const [key, item] of Object.entries(v)) {
          paths.push([...path, key]);
          walk(item, [...path, key]);
        }
      }
    };
    walk(value, []);
    const path = paths[pick % Math.max(paths.length, 1)] ?? [];
    const replace = (v: unknown, at: number): unknown => {
      if (at === path.length) return replacement;
      const key = path[at] as string | number;
      if (Array.isArray(v)) {
        const copy = [...v];
        copy[key as number] = replace(v[key as number], at + 1);
        return copy;
      }
      const entries = Object.entries(v as Record<string, unknown>);
      return own(entries.map(([k, item]) => [k, k === key ? replace(item, at + 1) : item] as const));
    };
    return replace(value, 0);
  });
}

function expectTaxonomy(error: unknown): asserts error is AccelerateError {
  // Anything else fails the property with the very exception, so its counterexample shows what broke.
  if (!AccelerateError.isInstance(error)) throw error;
  expect(typeof error.message).toBe('string');
  expect(typeof error.code).toBe('string');
  if (error.status !== undefined) expect(Number.isInteger(error.status)).toBe(true);
  if (error.retryAfterMs !== undefined) {
    expect(Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0).toBe(true);
  }
  for (const key of ['provider', 'providerCode', 'providerRequestId'] as const) {
    if (error[key] !== undefined) expect(typeof error[key]).toBe('string');
  }
}

/** `fn` returns a result that `check` accepts, or throws a taxonomy error; nothing else. */
function resultOrTyped<T>(fn: () => T, check: (value: T) => void): 'result' | 'error' {
  let value: T;
  try {
    value = fn();
  } catch (error) {
    expectTaxonomy(error);
    return 'error';
  }
  check(value);
  return 'result';
}

const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function expectOptional(value: unknown, type: 'string' | 'number' | 'boolean'): void {
  if (value !== undefined) expect(typeof value).toBe(type);
}

function expectUsage(usage: unknown): void {
  if (usage === undefined) return;
  expect(isPlainObject(usage)).toBe(true);
  for (const value of Object.values(usage as object)) expect(isCount(value)).toBe(true);
}

/** An error response as the core hands it to `parseError`. */
const errorResponse: fc.Arbitrary<ErrorResponse> = fc.record({
  status: fc.oneof(
    fc.constantFrom(400, 401, 402, 403, 404, 408, 409, 413, 422, 424, 429, 498, 499, 500, 502, 503, 504, 529),
    fc.integer({ min: 400, max: 599 }),
    fc.integer({ min: 0, max: 999 }),
  ),
  headers: fc.constant({}),
  bodyText: fc.oneof(fc.string(), fc.constant('')),
  bodyJson: fc.oneof(anyBody, fc.constant(undefined)),
  providerRequestId: fc.option(fc.string(), { nil: undefined }),
});

const DEEP_JSON: readonly string[] = [
  `${'['.repeat(20_000)}0${']'.repeat(20_000)}`,
  `${'{"a":'.repeat(20_000)}0${'}'.repeat(20_000)}`,
];

/** JSON text of a value, deep values included (JSON.stringify cannot write those). */
function toJson(value: unknown): string {
  const at = DEEP.indexOf(value);
  if (at >= 0) return DEEP_JSON[at] as string;
  const text = JSON.stringify(value, (_key, v: unknown) => {
    const i = DEEP.indexOf(v);
    return i >= 0 ? `\u0000deep${i}\u0000` : v;
  });
  return (text ?? 'null').replace(
    /"\\u0000deep(\d)\\u0000"/g,
    (_m, i: string) => DEEP_JSON[Number(i)] as string,
  );
}

const FINISH_REASONS = new Set(['stop', 'length', 'tool-calls', 'content-filter', 'error', 'other']);

function expectToolCall(call: unknown): void {
  const c = call as { id: unknown; name: unknown; arguments: unknown };
  expect(typeof c.id === 'string' && c.id !== '').toBe(true);
  expect(typeof c.name).toBe('string');
  expect(typeof c.arguments).toBe('string');
}

function expectChatEvent(event: ChatStreamEvent): void {
  switch (event.type) {
    case 'text-delta':
    case 'reasoning-delta':
      expect(typeof event.text).toBe('string');
      return;
    case 'tool-call-delta':
      expect(typeof event.index).toBe('number');
      expect(typeof event.argumentsDelta).toBe('string');
      expectOptional(event.id, 'string');
      expectOptional(event.name, 'string');
      return;
    case 'finish':
      expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
      expectUsage(event.usage);
      return;
    default:
      throw new Error(`unknown event ${JSON.stringify(event)}`);
  }
}

const asList = <E>(out: E | readonly E[] | undefined): readonly E[] =>
  out === undefined ? [] : Array.isArray(out) ? (out as readonly E[]) : [out as E];

// ---- Groq shapes ----

const any = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, planted(arb), anyBody);
const usage = nearMiss({
  prompt_tokens: fc.nat(),
  completion_tokens: fc.nat(),
  total_tokens: fc.nat(),
  queue_time: fc.double(),
  prompt_time: fc.double(),
  completion_time: fc.double(),
  total_time: fc.double(),
});
const xGroq = nearMiss({
  id: fc.string(),
  usage,
  error: rarely(
    fc.oneof(fc.string(), nearMiss({ message: fc.string(), type: fc.string(), code: fc.string() })),
  ),
});
const completion = nearMiss({
  id: fc.string(),
  model: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      message: nearMiss({
        content: fc.string(),
        reasoning: fc.string(),
        tool_calls: fc.array(
          nearMiss({ id: fc.string(), function: nearMiss({ name: fc.string(), arguments: fc.string() }) }),
          { maxLength: 2 },
        ),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls'),
    }),
    { maxLength: 2 },
  ),
  usage,
  x_groq: xGroq,
});
const chunk = nearMiss({
  id: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      delta: nearMiss({ content: fc.string(), reasoning: fc.string() }),
      finish_reason: fc.constantFrom('stop', 'length', null),
    }),
    { maxLength: 2 },
  ),
  x_groq: xGroq,
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({ event: fc.constant('message'), data: any(chunk).map(toJson) }),
  fc.record({
    event: fc.constantFrom('message', 'error'),
    data: fc.oneof(fc.string(), fc.constant('[DONE]')),
  }),
);

function expectTimings(timings: GroqTimings | undefined): void {
  for (const value of Object.values(timings ?? {})) expect(isCount(value)).toBe(true);
}
function expectGroqEvent(event: GroqChatStreamEvent): void {
  expectChatEvent(event as ChatStreamEvent);
  if (event.type === 'finish') expectTimings(event.timings);
}

describe('groq readers under fuzzing', () => {
  it('parseGroqChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(completion), (body) => {
        const context = { requestId: 'req_fuzz', providerRequestId: undefined as string | undefined };
        resultOrTyped(
          () => parseGroqChatResponse(body, context),
          (result) => {
            expect(typeof result.text).toBe('string');
            result.toolCalls.forEach(expectToolCall);
            expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
            expectUsage(result.usage);
            expectTimings(result.timings);
            expectOptional(result.reasoning, 'string');
            expectOptional(result.providerRequestId, 'string');
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('the stream mapper with Groq hooks: well-formed events or a taxonomy error, then one finish (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = { providerRequestId: undefined as string | undefined };
        const mapper = createGroqChatStreamMapper(context);
        for (const f of frames) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectGroqEvent),
          );
          if (outcome === 'error') return;
        }
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectGroqEvent);
        expectOptional(context.providerRequestId, 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('the x_groq readers and hooks never throw (property)', () => {
    fc.assert(
      fc.property(any(completion), (body) => {
        expectOptional(readGroqReasoning(body), 'string');
        if (!isPlainObject(body)) return;
        expectOptional(readGroqRequestId(body), 'string');
        const read = readGroqUsage(body);
        if (read !== undefined) expect(isPlainObject(read)).toBe(true);
        expectTimings(readGroqTimings(read));
        expectOptional(GROQ_HOOKS.providerRequestId(body), 'string');
        GROQ_HOOKS.usage(body);
        GROQ_HOOKS.streamError(body);
      }),
      { numRuns: 300 },
    );
  });
});

describe('groq error mapper under fuzzing', () => {
  it('parseGroqError: a taxonomy error for 498 and 499, undefined for the rest, never a throw (property)', () => {
    const body = any(
      nearMiss({ error: nearMiss({ message: fc.string(), type: fc.string(), code: fc.string() }) }),
    );
    const status = fc.oneof(
      fc.constantFrom(GROQ_CAPACITY_EXCEEDED_STATUS, GROQ_CLIENT_CLOSED_STATUS),
      fc.integer({ min: 0, max: 999 }),
    );
    fc.assert(
      fc.property(errorResponse, status, body, (response, code, json) => {
        for (const bodyJson of [json, undefined]) {
          const error = parseGroqError({ ...response, status: code, bodyJson });
          if (code === GROQ_CAPACITY_EXCEEDED_STATUS || code === GROQ_CLIENT_CLOSED_STATUS) {
            expect(AccelerateError.isInstance(error)).toBe(true);
            expectTaxonomy(error);
          } else expect(error).toBeUndefined();
        }
      }),
      { numRuns: 400 },
    );
  });
});
