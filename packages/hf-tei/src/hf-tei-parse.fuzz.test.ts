/**
 * Fuzz tests of every reader of a TEI response body: arbitrary JSON and near-miss bodies (the valid shape
 * with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or a
 * taxonomy error, and the error mapper always returns a taxonomy error.
 */
import { AccelerateError, type ErrorResponse, isPlainObject } from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEmbedAllResponse, parseEmbedResponse, parseEmbedSparseResponse } from './hf-tei-embed.js';
import { hfTeiErrorType, parseHfTeiError } from './hf-tei-error.js';
import { type HfTeiInfo, parseInfoResponse } from './hf-tei-info.js';
import { mergeRanks, parseRerankResponse } from './hf-tei-rerank.js';
import { parseDecodeResponse, parseTokenizeResponse } from './hf-tei-tokenize.js';

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

function expectOptional(value: unknown, type: 'string' | 'number' | 'boolean'): void {
  if (value !== undefined) expect(typeof value).toBe(type);
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

// ---- TEI shapes ----

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
const rows = <T>(row: fc.Arbitrary<T>) => fc.array(row, { maxLength: 3 });
const dense = rows(fc.oneof({ arbitrary: rows(number), weight: 5 }, { arbitrary: wrong, weight: 1 }));
const sparse = rows(rows(nearMiss({ index: fc.nat(), value: number })));
const all = rows(rows(fc.oneof({ arbitrary: rows(number), weight: 5 }, { arbitrary: wrong, weight: 1 })));
const ranks = rows(nearMiss({ index: fc.nat({ max: 3 }), score: number, text: fc.string() }));
const tokens = rows(
  rows(
    nearMiss({
      id: fc.nat(),
      text: fc.string(),
      special: fc.boolean(),
      start: fc.oneof(fc.nat(), fc.constant(null)),
      stop: fc.oneof(fc.nat(), fc.constant(null)),
    }),
  ),
);
const info = nearMiss({
  model_id: fc.string(),
  model_sha: fc.string(),
  model_dtype: fc.constantFrom('float16', 'float32'),
  model_type: fc.oneof(
    nearMiss({ embedding: nearMiss({ pooling: fc.constantFrom('cls', 'mean', 'splade') }) }),
    nearMiss({
      reranker: nearMiss({ id2label: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())) }),
    }),
    nearMiss({ classifier: nearMiss({ id2label: fc.dictionary(fc.string(), fc.string()) }) }),
  ),
  max_concurrent_requests: fc.nat(),
  max_input_length: fc.nat(),
  max_batch_tokens: fc.nat(),
  max_batch_requests: fc.nat(),
  max_client_batch_size: fc.nat(),
  auto_truncate: fc.boolean(),
  tokenization_workers: fc.nat(),
  version: fc.string(),
  sha: fc.string(),
  docker_label: fc.string(),
});
const errorBody = nearMiss({
  error: fc.constantFrom('Model is overloaded', 'model is not a re-ranker', 'Input validation error', ''),
  error_type: fc.constantFrom(
    'Overloaded',
    'Validation',
    'Backend',
    'Unhealthy',
    'Tokenizer',
    'Empty',
    'toString',
  ),
  message: fc.string(),
  code: fc.integer(),
  detail: fc.jsonValue(),
});

const any = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, planted(arb), anyBody);

function expectInfo(result: HfTeiInfo): void {
  for (const key of ['modelId', 'modelDtype', 'version'] as const) expect(typeof result[key]).toBe('string');
  for (const key of ['modelSha', 'servedModelName', 'pooling', 'sha', 'dockerLabel'] as const) {
    expectOptional(result[key], 'string');
  }
  expect(['embedding', 'classifier', 'reranker']).toContain(result.modelType);
  for (const key of [
    'maxConcurrentRequests',
    'maxInputLength',
    'maxBatchTokens',
    'tokenizationWorkers',
  ] as const) {
    expect(Number.isInteger(result[key]) && result[key] >= 0).toBe(true);
  }
  expect(Number.isInteger(result.maxClientBatchSize) && result.maxClientBatchSize >= 1).toBe(true);
  expectOptional(result.maxBatchRequests, 'number');
  expect(typeof result.autoTruncate).toBe('boolean');
  if (result.id2label !== undefined) {
    expect(isPlainObject(result.id2label)).toBe(true);
    for (const label of Object.values(result.id2label)) expect(typeof label).toBe('string');
  }
}

describe('hf-tei readers under fuzzing', () => {
  it('the embed readers: exactly `expected` typed vectors or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(dense), any(sparse), any(all), fc.nat({ max: 3 }), (d, s, a, expected) => {
        resultOrTyped(
          () => parseEmbedResponse(d, expected),
          (vectors) => {
            expect(vectors).toHaveLength(expected);
            for (const v of vectors) expect(v.every((x) => typeof x === 'number')).toBe(true);
          },
        );
        resultOrTyped(
          () => parseEmbedSparseResponse(s, expected),
          (vectors) => {
            expect(vectors).toHaveLength(expected);
            for (const v of vectors) {
              for (const e of v) {
                expect(Number.isInteger(e.index) && e.index >= 0).toBe(true);
                expect(typeof e.value).toBe('number');
              }
            }
          },
        );
        resultOrTyped(
          () => parseEmbedAllResponse(a, expected),
          (vectors) => {
            expect(vectors).toHaveLength(expected);
            for (const v of vectors)
              for (const t of v) expect(t.every((x) => typeof x === 'number')).toBe(true);
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('parseRerankResponse: every index once, shifted by the offset, or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(ranks), fc.nat({ max: 3 }), fc.nat({ max: 100 }), (body, count, offset) => {
        resultOrTyped(
          () => parseRerankResponse(body, count, offset),
          (result) => {
            expect(result).toHaveLength(count);
            expect(new Set(result.map((r) => r.index)).size).toBe(count);
            for (const r of result) {
              expect(r.index >= offset && r.index < offset + count).toBe(true);
              expect(typeof r.score === 'number' && !Number.isNaN(r.score)).toBe(true);
              expectOptional(r.document, 'string');
            }
            const merged = mergeRanks([result], 2);
            expect(merged.length).toBe(Math.min(2, count));
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('parseInfoResponse: a well-formed info or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(info), (body) => {
        resultOrTyped(() => parseInfoResponse(body), expectInfo);
      }),
      { numRuns: 400 },
    );
  });

  it('the tokenize and decode readers: typed tokens and texts or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        any(tokens),
        any(rows(fc.oneof(fc.string(), trap))),
        fc.nat({ max: 3 }),
        (t, texts, expected) => {
          resultOrTyped(
            () => parseTokenizeResponse(t, expected),
            (lists) => {
              expect(lists).toHaveLength(expected);
              for (const list of lists) {
                for (const token of list) {
                  expect(typeof token.id).toBe('number');
                  expect(typeof token.text).toBe('string');
                  expect(typeof token.special).toBe('boolean');
                  expectOptional(token.start, 'number');
                  expectOptional(token.stop, 'number');
                }
              }
            },
          );
          resultOrTyped(
            () => parseDecodeResponse(texts, expected),
            (list) => {
              expect(list).toHaveLength(expected);
              expect(list.every((s) => typeof s === 'string')).toBe(true);
            },
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hf-tei error mapper under fuzzing', () => {
  it('parseHfTeiError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(errorResponse, any(errorBody), (response, body) => {
        mapsToTaxonomy(() => parseHfTeiError({ ...response, bodyJson: body }));
        mapsToTaxonomy(() => parseHfTeiError(response));
        expectOptional(hfTeiErrorType(body), 'string');
      }),
      { numRuns: 400 },
    );
  });
});
