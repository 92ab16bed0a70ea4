/**
 * Fuzz tests of every reader of a TGI response body: arbitrary JSON and near-miss bodies (the valid shape
 * with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or a
 * taxonomy error, and the error mappers always return a taxonomy error.
 */
import {
  AccelerateError,
  type AttemptContext,
  type ErrorResponse,
  type HttpResponse,
  isPlainObject,
  type SseEvent,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HfTgiDetails, HfTgiToken } from './hf-tgi-api-types.js';
import { hfTgiStreamError, parseHfTgiError } from './hf-tgi-error.js';
import { type HfTgiGenerateResult, parseHfTgiGenerateResponse } from './hf-tgi-generate.js';
import { createHfTgiGenerateStreamMapper, type HfTgiGenerateStreamEvent } from './hf-tgi-generate-stream.js';
import { readDetails, readInfo, readTokenSpans } from './hf-tgi-json.js';

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

const asList = <E>(out: E | readonly E[] | undefined): readonly E[] =>
  out === undefined ? [] : Array.isArray(out) ? (out as readonly E[]) : [out as E];

// ---- TGI shapes ----

function attemptContext(): AttemptContext {
  return { requestId: 'req_fuzz', providerRequestId: undefined } as unknown as AttemptContext;
}

/** A response whose headers carry TGI's token counts and timings (any text at all). */
const response: fc.Arbitrary<HttpResponse> = fc
  .dictionary(
    fc.constantFrom(
      'x-prompt-tokens',
      'x-generated-tokens',
      'x-total-time',
      'x-validation-time',
      'x-queue-time',
      'x-inference-time',
      'x-time-per-token',
    ),
    fc.oneof(
      fc.nat().map(String),
      fc.constantFrom('', '-1', 'NaN', 'Infinity', '1e999', ' 7 ', '0x10'),
      fc.string(),
    ),
  )
  .map((headers) => ({ status: 200, headers, body: undefined }) as unknown as HttpResponse);

const token = nearMiss({
  id: fc.integer(),
  text: fc.string(),
  logprob: fc.oneof(fc.double(), fc.constant(null)),
  special: fc.boolean(),
});
const finishReason = fc.constantFrom('length', 'eos_token', 'stop_sequence', 'other');
const details = nearMiss({
  finish_reason: finishReason,
  generated_tokens: fc.nat(),
  seed: fc.nat(),
  input_length: fc.nat(),
  prefill: fc.array(nearMiss({ id: fc.integer(), text: fc.string(), logprob: fc.double() }), {
    maxLength: 2,
  }),
  tokens: fc.array(token, { maxLength: 2 }),
  top_tokens: fc.array(fc.array(token, { maxLength: 2 }), { maxLength: 2 }),
  best_of_sequences: fc.array(
    nearMiss({
      generated_text: fc.string(),
      finish_reason: finishReason,
      generated_tokens: fc.nat(),
      tokens: fc.array(token, { maxLength: 1 }),
    }),
    { maxLength: 1 },
  ),
});
const errorBody = nearMiss({
  error: fc.oneof(
    fc.string(),
    fc.array(fc.oneof(fc.string(), trap), { maxLength: 2 }),
    nearMiss({ message: fc.string() }),
  ),
  error_type: fc.constantFrom(
    'validation',
    'generation',
    'overloaded',
    'healthcheck',
    'incomplete_generation',
    'x',
  ),
  estimated_time: fc.oneof(
    fc.double({ min: 0, max: 100 }),
    fc.double(),
    fc.constantFrom(1e308, Number.MAX_VALUE),
  ),
  message: fc.string(),
});
const generated = nearMiss({ generated_text: fc.string(), details, error: rarely(fc.string()) });
const streamEvent = nearMiss({
  index: fc.nat(),
  token,
  top_tokens: fc.array(token, { maxLength: 2 }),
  generated_text: rarely(fc.string()),
  details: rarely(details),
});
const frame: fc.Arbitrary<SseEvent> = fc.oneof(
  fc.record({
    event: fc.constant('message'),
    data: fc.oneof(streamEvent, planted(streamEvent), errorBody, anyBody).map(toJson),
  }),
  fc.record({ event: fc.constant('message'), data: fc.oneof(fc.string(), fc.constant('[DONE]')) }),
);

function expectToken(t: HfTgiToken): void {
  expect(Number.isInteger(t.id)).toBe(true);
  expect(typeof t.text).toBe('string');
  expect(t.logprob === null || Number.isFinite(t.logprob)).toBe(true);
  expect(typeof t.special).toBe('boolean');
}
function expectDetails(d: HfTgiDetails): void {
  expect(typeof d.finishReason).toBe('string');
  expect(Number.isInteger(d.generatedTokens)).toBe(true);
  d.tokens.forEach(expectToken);
  for (const p of d.prefill) {
    expect(Number.isInteger(p.id)).toBe(true);
    expect(typeof p.text).toBe('string');
  }
  for (const row of d.topTokens ?? []) row.forEach(expectToken);
  for (const s of d.bestOfSequences ?? []) {
    expect(typeof s.generatedText).toBe('string');
    s.tokens.forEach(expectToken);
  }
}
function expectResult(result: HfTgiGenerateResult): void {
  expect(typeof result.text).toBe('string');
  expect(FINISH_REASONS.has(result.finishReason)).toBe(true);
  if (result.details) expectDetails(result.details);
  expectUsage(result.usage);
  for (const value of Object.values(result.timings ?? {})) expect(isCount(value)).toBe(true);
}
function expectStreamEvent(event: HfTgiGenerateStreamEvent): void {
  if (event.type === 'text-delta') {
    expect(typeof event.text).toBe('string');
    expectToken(event.token);
    event.topTokens?.forEach(expectToken);
    return;
  }
  expect(FINISH_REASONS.has(event.finishReason)).toBe(true);
  expect(typeof event.generatedText).toBe('string');
  expectOptional(event.tgiFinishReason, 'string');
  expectUsage(event.usage);
  expectOptional(event.seed, 'number');
}

describe('hf-tgi readers under fuzzing', () => {
  it('parseHfTgiGenerateResponse: a well-formed result or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(generated, planted(generated), fc.array(generated, { maxLength: 2 }), anyBody),
        response,
        (body, res) => {
          resultOrTyped(() => parseHfTgiGenerateResponse(body, res, attemptContext()), expectResult);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the generate stream mapper: well-formed events or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), (frames) => {
        const mapper = createHfTgiGenerateStreamMapper();
        for (const f of frames) {
          const outcome = resultOrTyped(
            () => mapper.map(f),
            (out) => asList(out).forEach(expectStreamEvent),
          );
          if (outcome === 'error') return;
          expect(typeof mapper.isTerminal?.(f)).toBe('boolean');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('readDetails, readTokenSpans and readInfo: typed values or a taxonomy error (property)', () => {
    const spans = fc.array(
      nearMiss({ id: fc.integer(), text: fc.string(), start: fc.nat(), stop: fc.nat() }),
      {
        maxLength: 3,
      },
    );
    const info = nearMiss({
      model_id: fc.string(),
      model_sha: fc.string(),
      max_concurrent_requests: fc.nat(),
      max_best_of: fc.nat(),
      max_stop_sequences: fc.nat(),
      max_input_tokens: fc.nat(),
      max_total_tokens: fc.nat(),
      validation_workers: fc.nat(),
      max_client_batch_size: fc.nat(),
      router: fc.string(),
      version: fc.string(),
      docker_label: fc.string(),
    });
    fc.assert(
      fc.property(
        fc.oneof(details, planted(details), anyBody),
        fc.oneof(spans, planted(spans), anyBody),
        fc.oneof(info, planted(info), anyBody),
        (d, s, i) => {
          resultOrTyped(() => readDetails(d), expectDetails);
          resultOrTyped(
            () => readTokenSpans(s),
            (list) => {
              for (const span of list) {
                for (const key of ['id', 'start', 'stop'] as const)
                  expect(Number.isInteger(span[key])).toBe(true);
                expect(typeof span.text).toBe('string');
              }
            },
          );
          resultOrTyped(
            () => readInfo(i),
            (result) => {
              for (const [key, value] of Object.entries(result)) {
                if (
                  [
                    'modelId',
                    'router',
                    'version',
                    'modelSha',
                    'sha',
                    'dockerLabel',
                    'modelPipelineTag',
                  ].includes(key)
                ) {
                  expect(typeof value).toBe('string');
                } else expect(Number.isInteger(value)).toBe(true);
              }
            },
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hf-tgi error mappers under fuzzing', () => {
  it('parseHfTgiError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(errorResponse, fc.oneof(errorBody, planted(errorBody), anyBody), (res, body) => {
        mapsToTaxonomy(() => parseHfTgiError({ ...res, bodyJson: body }));
        mapsToTaxonomy(() => parseHfTgiError({ ...res, bodyJson: undefined }));
      }),
      { numRuns: 400 },
    );
  });

  it('hfTgiStreamError maps any in-band error event, never throws (property)', () => {
    fc.assert(
      fc.property(fc.oneof(errorBody, planted(errorBody), anyBody), (event) => {
        mapsToTaxonomy(() => hfTgiStreamError(event));
      }),
      { numRuns: 300 },
    );
  });
});
