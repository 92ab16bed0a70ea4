/**
 * Fuzz tests of every reader of a Gemini response body: arbitrary JSON and near-miss bodies (the valid
 * shape with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or
 * a taxonomy error, and the error mappers always return a taxonomy error.
 */
import {
  AccelerateError,
  type AttemptContext,
  type ChatStreamEvent,
  type ErrorResponse,
  isPlainObject,
  type SseEvent,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import { type GeminiChatResult, parseGeminiChatResponse } from './gemini-chat-response.js';
import { createGeminiChatStreamMapper } from './gemini-chat-stream.js';
import { parseGeminiCountTokens } from './gemini-count-tokens.js';
import { parseGeminiEmbedResponse } from './gemini-embed.js';
import {
  geminiErrorFromStatus,
  geminiStreamError,
  parseGeminiError,
  readGeminiErrorDetails,
  readGeminiStatus,
} from './gemini-error.js';
import { type GeminiModelInfo, modelInfoFromWire, parseGeminiModelsPage } from './gemini-models.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

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

// ---- Gemini shapes ----

function attemptContext(): AttemptContext {
  return { requestId: 'req_fuzz', providerRequestId: undefined } as unknown as AttemptContext;
}

const RPC_STATUSES = [
  'INVALID_ARGUMENT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'CANCELLED',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
];
const duration = fc.oneof(
  fc.nat({ max: 100 }).map((s) => `${s}s`),
  fc.string(),
  nearMiss({ seconds: fc.oneof(fc.nat(), fc.string()), nanos: fc.nat() }),
);
const detail = fc.oneof(
  nearMiss({ '@type': fc.constant('type.googleapis.com/google.rpc.RetryInfo'), retryDelay: duration }),
  nearMiss({ '@type': fc.constant('type.googleapis.com/google.rpc.ErrorInfo'), reason: fc.string() }),
  nearMiss({
    '@type': fc.constant('type.googleapis.com/google.rpc.QuotaFailure'),
    violations: fc.array(nearMiss({ quotaId: fc.string(), quotaMetric: fc.string() }), { maxLength: 2 }),
  }),
);
const rpcStatus = nearMiss({
  code: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double()),
  message: fc.string(),
  status: fc.constantFrom(...RPC_STATUSES),
  details: fc.array(detail, { maxLength: 3 }),
});
const errorBody = fc.oneof(
  nearMiss({ error: rpcStatus }),
  planted(nearMiss({ error: rpcStatus })),
  fc.array(nearMiss({ error: rpcStatus }), { maxLength: 2 }),
  anyBody,
);
const usageMetadata = nearMiss({
  promptTokenCount: fc.nat(),
  candidatesTokenCount: fc.nat(),
  thoughtsTokenCount: fc.nat(),
  totalTokenCount: fc.nat(),
});
const part = fc.oneof(
  nearMiss({ text: fc.string(), thought: fc.boolean() }),
  nearMiss({
    functionCall: nearMiss({
      id: fc.string(),
      name: fc.string(),
      args: fc.dictionary(fc.string(), fc.jsonValue()),
    }),
  }),
);
const candidate = nearMiss({
  index: fc.nat({ max: 2 }),
  content: nearMiss({ role: fc.constant('model'), parts: fc.array(part, { maxLength: 4 }) }),
  finishReason: fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'OTHER', '', 'toString'),
});
const response = nearMiss({
  candidates: fc.array(candidate, { maxLength: 2 }),
  promptFeedback: nearMiss({ blockReason: fc.constantFrom('SAFETY', 'OTHER', '') }),
  usageMetadata,
  modelVersion: fc.constantFrom('models/gemini-2.0-flash', 'gemini-x'),
  responseId: fc.string(),
  error: rarely(rpcStatus),
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constantFrom('message', 'raw'),
    data: fc.oneof(response, planted(response), errorBody).map(toJson),
  }),
  fc.record({ event: fc.constantFrom('message', 'raw'), data: fc.string() }),
);

function expectChatResult(result: GeminiChatResult): void {
  expect(typeof result.text).toBe('string');
  result.toolCalls.forEach(expectToolCall);
  for (const call of result.toolCalls) JSON.parse(call.arguments);
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  expect(result.requestId).toBe('req_fuzz');
  expectUsage(result.usage);
  for (const key of ['model', 'reasoning', 'blockReason', 'rawFinishReason', 'providerRequestId'] as const) {
    expectOptional(result[key], 'string');
  }
}

function expectModel(model: GeminiModelInfo): void {
  expect(typeof model.id).toBe('string');
  expect(typeof model.name === 'string' && model.name !== '').toBe(true);
  expect(model.supportedGenerationMethods.every((m) => typeof m === 'string')).toBe(true);
  for (const key of ['displayName', 'description', 'version'] as const) expectOptional(model[key], 'string');
  for (const key of ['inputTokenLimit', 'outputTokenLimit'] as const) {
    if (model[key] !== undefined) expect(Number.isFinite(model[key])).toBe(true);
  }
  expectOptional(model.thinking, 'boolean');
}

describe('gemini readers under fuzzing', () => {
  it('parseGeminiChatResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.oneof(response, planted(response), anyBody), (body) => {
        resultOrTyped(() => parseGeminiChatResponse(body, attemptContext()), expectChatResult);
      }),
      { numRuns: 500 },
    );
  });

  it('the stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const context = attemptContext();
        const mapper = createGeminiChatStreamMapper(context);
        for (const f of frames) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectChatEvent),
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(f)).toBe('boolean');
        }
        expectOptional(context.providerRequestId, 'string');
      }),
      { numRuns: 300 },
    );
  });

  it('parseGeminiEmbedResponse: the expected number of finite vectors or a taxonomy error (property)', () => {
    const values = nearMiss({
      values: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 3 }),
    });
    const body = fc.oneof(
      nearMiss({ embedding: values }),
      nearMiss({ embeddings: fc.array(values, { maxLength: 3 }) }),
      anyBody,
    );
    fc.assert(
      fc.property(body, fc.boolean(), fc.nat({ max: 3 }), (json, batch, expected) => {
        resultOrTyped(
          () =>
            parseGeminiEmbedResponse(
              json,
              { batch, expected: batch ? expected : 1 },
              { model: 'text-embedding-004', input: 'x' },
              attemptContext(),
            ),
          (result) => {
            expect(result.embeddings).toHaveLength(batch ? expected : 1);
            for (const v of result.embeddings) expect(v.every((x) => Number.isFinite(x))).toBe(true);
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the models page and countTokens: well-formed values or a taxonomy error (property)', () => {
    const model = nearMiss({
      name: fc.constantFrom('models/gemini-2.0-flash', 'tunedModels/x', ''),
      displayName: fc.string(),
      description: fc.string(),
      version: fc.string(),
      inputTokenLimit: fc.nat(),
      outputTokenLimit: fc.nat(),
      supportedGenerationMethods: fc.array(fc.oneof(fc.string(), fc.jsonValue()), { maxLength: 3 }),
      thinking: fc.boolean(),
    });
    const page = nearMiss({ models: fc.array(model, { maxLength: 3 }), nextPageToken: fc.string() });
    const count = nearMiss({ totalTokens: fc.nat(), cachedContentTokenCount: fc.nat() });
    fc.assert(
      fc.property(fc.oneof(page, anyBody), fc.oneof(model, anyBody), fc.oneof(count, anyBody), (p, m, c) => {
        resultOrTyped(
          () => parseGeminiModelsPage(p),
          (result) => {
            result.models.forEach(expectModel);
            expectOptional(result.nextPageToken, 'string');
          },
        );
        resultOrTyped(() => modelInfoFromWire(m), expectModel);
        resultOrTyped(
          () => parseGeminiCountTokens(c, attemptContext()),
          (result) => {
            expect(Number.isInteger(result.totalTokens) && result.totalTokens >= 0).toBe(true);
            expectOptional(result.cachedContentTokenCount, 'number');
          },
        );
      }),
      { numRuns: 300 },
    );
  });

  it('small readers never throw: usage and finish reasons (property)', () => {
    fc.assert(
      fc.property(fc.oneof(usageMetadata, anyBody), fc.boolean(), (value, tools) => {
        expectUsage(convertGeminiUsage(value));
        expect(FINISH_REASONS.has(mapGeminiFinishReason(value, tools))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('gemini error mappers under fuzzing', () => {
  it('parseGeminiError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(errorResponse, errorBody, (response, body) => {
        mapsToTaxonomy(() => parseGeminiError({ ...response, bodyJson: body }));
        mapsToTaxonomy(() => parseGeminiError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('geminiStreamError, geminiErrorFromStatus and the detail readers never throw (property)', () => {
    fc.assert(
      fc.property(
        errorBody,
        fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
        fc.oneof(fc.array(detail, { maxLength: 3 }), anyBody),
        (body, status, details) => {
          const error = mapsToTaxonomy(() => geminiStreamError(body));
          // Without an HTTP status the class comes from the body: its status is a real one or none.
          if (error.status !== undefined) expect(error.status >= 100 && error.status <= 599).toBe(true);
          mapsToTaxonomy(() => geminiErrorFromStatus(readGeminiStatus(body), status, 'fallback'));
          const read = readGeminiErrorDetails(details);
          if (read.retryDelayMs !== undefined) {
            expect(Number.isFinite(read.retryDelayMs) && read.retryDelayMs >= 0).toBe(true);
          }
          expectOptional(read.reason, 'string');
          expect(read.quotaIds.every((id) => typeof id === 'string')).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
