/**
 * Fuzz tests of every reader of an OpenAI-compatible response body: arbitrary JSON and near-miss bodies
 * (the valid shape with fields of the wrong type, missing, huge, or nested past any stack) give a
 * well-formed result or a taxonomy error, and the error mappers always return a taxonomy error.
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
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import {
  type ParsedChatCompletion,
  parseOpenAIChatResponse,
  readToolArguments,
} from './openai-chat-response.js';
import { createOpenAIChatStreamMapper } from './openai-chat-stream.js';
import { decodeBase64Embedding, parseOpenAIEmbeddingsResponse } from './openai-embeddings.js';
import {
  mapOpenAIStreamError,
  openAIErrorFromBody,
  parseOpenAIError,
  readOpenAIErrorFields,
} from './openai-error.js';
import { parseOpenAIModelsResponse } from './openai-models.js';

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

/** An error mapper: returns (never throws) a well-formed taxonomy error. */
function mapsToTaxonomy(fn: () => unknown): AccelerateError {
  const error = fn();
  expect(AccelerateError.isInstance(error)).toBe(true);
  expectTaxonomy(error);
  return error;
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

// ---- OpenAI-compatible shapes ----

const usage = nearMiss({
  prompt_tokens: fc.nat(),
  completion_tokens: fc.nat(),
  total_tokens: fc.nat(),
});
const toolCall = nearMiss({
  id: fc.string(),
  type: fc.constant('function'),
  function: nearMiss({ name: fc.string(), arguments: fc.oneof(fc.string(), fc.jsonValue()) }),
});
const errorObject = nearMiss({
  message: fc.string(),
  type: fc.constantFrom('invalid_request_error', 'insufficient_quota', 'rate_limit_error', 'server_error'),
  code: fc.constantFrom('rate_limit_exceeded', 'insufficient_quota', 'model_not_found', 'invalid_api_key'),
  param: fc.string(),
  http_status_code: fc.integer({ min: 100, max: 700 }),
});
const chatCompletion = nearMiss({
  id: fc.string(),
  object: fc.constant('chat.completion'),
  model: fc.string(),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 2 }),
      message: nearMiss({
        role: fc.constant('assistant'),
        content: fc.oneof(
          fc.string(),
          fc.constant(null),
          fc.array(nearMiss({ type: fc.constant('text'), text: fc.string() })),
        ),
        tool_calls: fc.array(toolCall, { maxLength: 3 }),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter', 'eos_token', 'weird'),
    }),
    { maxLength: 3 },
  ),
  usage,
  error: rarely(fc.oneof(errorObject, fc.string())),
});
const chunk = nearMiss({
  id: fc.string(),
  object: fc.constant('chat.completion.chunk'),
  choices: fc.array(
    nearMiss({
      index: fc.nat({ max: 1 }),
      delta: nearMiss({
        content: fc.string(),
        reasoning_content: fc.string(),
        tool_calls: fc.array(
          nearMiss({
            index: fc.nat({ max: 3 }),
            id: fc.string(),
            function: nearMiss({ name: fc.string(), arguments: fc.string() }),
          }),
          { maxLength: 2 },
        ),
      }),
      finish_reason: fc.constantFrom('stop', 'length', 'tool_calls', null),
    }),
    { maxLength: 2 },
  ),
  usage,
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({ event: fc.constant('message'), data: fc.oneof(chunk, planted(chunk), anyBody).map(toJson) }),
  fc.record({
    event: fc.constantFrom('message', 'error', 'raw'),
    data: fc.oneof(fc.string(), fc.constant('[DONE]')),
  }),
  fc.record({ event: fc.constant('error'), data: fc.oneof(errorObject, anyBody).map(toJson) }),
);

function expectCompletion(result: ParsedChatCompletion): void {
  expect(typeof result.text).toBe('string');
  expect(Array.isArray(result.toolCalls)).toBe(true);
  result.toolCalls.forEach(expectToolCall);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expectUsage(result.usage);
  expectOptional(result.model, 'string');
  expectOptional(result.id, 'string');
}

describe('openai-compatible readers under fuzzing', () => {
  it('parseOpenAIChatResponse: a well-formed completion or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(chatCompletion, planted(chatCompletion), anyBody), (body) => {
        resultOrTyped(() => parseOpenAIChatResponse(body, { provider: 'fuzz' }), expectCompletion);
      }),
      { numRuns: 500 },
    );
  });

  it('the chat stream mapper: well-formed events or a taxonomy error, then one finish (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = { providerRequestId: undefined as string | undefined };
        const mapper = createOpenAIChatStreamMapper({ provider: 'fuzz', context });
        for (const f of frames) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectChatEvent),
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(f)).toBe('boolean');
        }
        const finish = mapper.flush?.() ?? [];
        expect(finish).toHaveLength(1);
        finish.forEach(expectChatEvent);
        expect(mapper.flush?.()).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });

  it('parseOpenAIEmbeddingsResponse and decodeBase64Embedding: vectors of numbers or a taxonomy error (property)', () => {
    const embeddings = nearMiss({
      object: fc.constant('list'),
      data: fc.array(
        nearMiss({
          index: fc.nat({ max: 3 }),
          embedding: fc.oneof(
            fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 4 }),
            fc.base64String(),
            fc.string(),
          ),
        }),
        { maxLength: 4 },
      ),
      model: fc.string(),
      usage,
    });
    fc.assert(
      fc.property(
        fc.oneof(embeddings, planted(embeddings), anyBody),
        fc.option(fc.nat({ max: 4 }), { nil: undefined }),
        (body, expected) => {
          resultOrTyped(
            () => parseOpenAIEmbeddingsResponse(body, { provider: 'fuzz', expected }),
            (result) => {
              for (const vector of result.embeddings) for (const x of vector) expect(typeof x).toBe('number');
              if (expected !== undefined) expect(result.embeddings).toHaveLength(expected);
              expectUsage(result.usage);
              expectOptional(result.model, 'string');
            },
          );
        },
      ),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String()), (text) => {
        resultOrTyped(
          () => decodeBase64Embedding(text),
          (vector) => expect(vector.every((x) => typeof x === 'number')).toBe(true),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('decodeBase64Embedding round-trips any float32 vector (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 16 }), (values) => {
        const bytes = Buffer.alloc(values.length * 4);
        values.forEach((v, i) => {
          bytes.writeFloatLE(v, i * 4);
        });
        expect(decodeBase64Embedding(bytes.toString('base64'))).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it('parseOpenAIModelsResponse: models with an id (and a valid date) or a taxonomy error (property)', () => {
    const models = nearMiss({
      object: fc.constant('list'),
      data: fc.array(
        nearMiss({ id: fc.string(), owned_by: fc.string(), created: fc.oneof(fc.nat(), fc.double()) }),
        { maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(fc.oneof(models, planted(models), anyBody), (body) => {
        resultOrTyped(
          () => parseOpenAIModelsResponse(body, 'fuzz'),
          (list) => {
            for (const model of list) {
              expect(typeof model.id === 'string' && model.id !== '').toBe(true);
              expectOptional(model.ownedBy, 'string');
              if (model.createdAt !== undefined) expect(Number.isNaN(model.createdAt.getTime())).toBe(false);
            }
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('small readers never throw: usage, finish reasons, tool arguments (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usage, anyBody), (value) => {
        expectUsage(convertOpenAIUsage(value));
        expect(FINISH_REASONS.has(mapOpenAIFinishReason(value))).toBe(true);
        resultOrTyped(
          () => readToolArguments(value),
          (text) => expect(typeof text).toBe('string'),
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('openai-compatible error mappers under fuzzing', () => {
  const errorBody = fc.oneof(
    nearMiss({ error: fc.oneof(errorObject, fc.string()), error_type: fc.string(), code: fc.integer() }),
    nearMiss({
      message: fc.string(),
      detail: fc.oneof(fc.string(), fc.jsonValue()),
      object: fc.constant('error'),
    }),
    anyBody,
  );

  it('parseOpenAIError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(
        errorResponse,
        errorBody,
        fc.option(fc.string(), { nil: undefined }),
        (response, body, provider) => {
          mapsToTaxonomy(() => parseOpenAIError({ ...response, bodyJson: body }, provider));
          mapsToTaxonomy(() => parseOpenAIError(response, provider));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('openAIErrorFromBody, mapOpenAIStreamError and readOpenAIErrorFields never throw (property)', () => {
    fc.assert(
      fc.property(
        errorBody,
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        (body, status) => {
          mapsToTaxonomy(() => openAIErrorFromBody(body, { status, provider: 'fuzz' }));
          mapsToTaxonomy(() => mapOpenAIStreamError(body, 'fuzz'));
          const fields = readOpenAIErrorFields(body, 'fallback');
          expect(typeof fields.message).toBe('string');
          expectOptional(fields.type, 'string');
          expectOptional(fields.code, 'string');
          if (fields.status !== undefined) expect(Number.isInteger(fields.status)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
