/**
 * Fuzz tests of every reader of an OPEA response body (the GenAIComps microservices; ChatQnA's JSON reply
 * and the embedding service are read by the OpenAI-compatible readers, fuzzed in their own package):
 * arbitrary JSON and near-miss bodies give a well-formed result or a taxonomy error, and the error mapper
 * always returns a taxonomy error.
 */
import {
  AccelerateError,
  type ErrorResponse,
  isPlainObject,
  type RerankRequest,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpeaValidationError, parseOpeaError, readValidationIssues } from './opea-error.js';
import { parseOpeaRerankResponse } from './opea-reranking.js';
import { parseOpeaRetrievalResponse } from './opea-retrieval.js';

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

// ---- OPEA shapes ----

const any = (arb: fc.Arbitrary<unknown>) => fc.oneof(arb, planted(arb), anyBody);
const DOCUMENTS = ['alpha', 'beta', 'alpha', 'gamma'];
const retrieval = nearMiss({
  id: fc.string(),
  retrieved_docs: fc.array(
    nearMiss({ text: fc.string(), metadata: fc.dictionary(fc.string(), fc.jsonValue()) }),
    {
      maxLength: 3,
    },
  ),
  initial_query: fc.string(),
});
const rerank = nearMiss({
  id: fc.string(),
  reranked_docs: fc.array(
    nearMiss({
      text: fc.constantFrom(...DOCUMENTS, 'delta'),
      score: fc.oneof(fc.double(), fc.constant(null)),
    }),
    { maxLength: 5 },
  ),
});
const fastApiError = fc.oneof(
  nearMiss({
    detail: fc.array(
      nearMiss({
        loc: fc.array(fc.oneof(fc.string(), fc.nat(), trap), { maxLength: 3 }),
        msg: fc.string(),
        type: fc.constantFrom('missing', 'string_type', 'value_error'),
      }),
      { maxLength: 3 },
    ),
  }),
  nearMiss({ detail: fc.oneof(fc.string(), fc.jsonValue()) }),
  nearMiss({ error: nearMiss({ message: fc.string(), type: fc.string(), code: fc.string() }) }),
  nearMiss({ object: fc.constant('error'), message: fc.string(), code: fc.integer({ min: 0, max: 999 }) }),
);

describe('opea readers under fuzzing', () => {
  it('parseOpeaRetrievalResponse: documents with text or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(retrieval), (body) => {
        resultOrTyped(
          () => parseOpeaRetrievalResponse(body),
          (docs) => {
            for (const doc of docs) {
              expect(typeof doc.text).toBe('string');
              if (doc.metadata !== undefined) expect(isPlainObject(doc.metadata)).toBe(true);
            }
          },
        );
      }),
      { numRuns: 400 },
    );
  });

  it('parseOpeaRerankResponse: positions of the documents sent, best first, or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(any(rerank), fc.boolean(), (body, returnDocuments) => {
        const request: RerankRequest = { model: '', query: 'q', documents: DOCUMENTS, returnDocuments };
        resultOrTyped(
          () => parseOpeaRerankResponse(body, request),
          (result) => {
            const indexes = result.results.map((r) => r.index);
            expect(new Set(indexes).size).toBe(indexes.length);
            for (const r of result.results) {
              expect(Number.isInteger(r.index) && r.index >= 0 && r.index < DOCUMENTS.length).toBe(true);
              expect(Number.isFinite(r.score)).toBe(true);
              if (returnDocuments) expect(r.document).toBe(DOCUMENTS[r.index]);
              else expect(r.document).toBeUndefined();
            }
            for (let i = 1; i < result.results.length; i++) {
              expect((result.results[i - 1]?.score ?? 0) >= (result.results[i]?.score ?? 0)).toBe(true);
            }
          },
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('opea error mapper under fuzzing', () => {
  it('parseOpeaError maps every response to a taxonomy error, never throws (property)', () => {
    fc.assert(
      fc.property(errorResponse, any(fastApiError), (response, body) => {
        const error = mapsToTaxonomy(() => parseOpeaError({ ...response, bodyJson: body }));
        if (error instanceof OpeaValidationError) {
          for (const issue of error.issues) {
            expect(typeof issue.field).toBe('string');
            expect(typeof issue.message).toBe('string');
            expectOptional(issue.type, 'string');
          }
        }
        mapsToTaxonomy(() => parseOpeaError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('readValidationIssues never throws, whatever `detail` holds (property)', () => {
    fc.assert(
      fc.property(any(fastApiError), (body) => {
        const issues = readValidationIssues(body);
        if (issues === undefined) return;
        for (const issue of issues) {
          expect(typeof issue.field).toBe('string');
          expect(typeof issue.message).toBe('string');
        }
      }),
      { numRuns: 400 },
    );
  });
});
