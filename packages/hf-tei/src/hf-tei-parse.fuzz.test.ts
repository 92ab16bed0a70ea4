/**
 * Fuzz tests of every reader of a TEI response body: arbitrary JSON and near-miss bodies (the valid shape
 * with fields of the wrong type, missing, huge, or nested past any stack) give a well-formed result or a
 * taxonomy error, and the error mapper always returns a taxonomy error.
 */
import { isPlainObject } from '@ipfs-accelerate/core';
import {
  anyErrorResponse,
  expectOptionalType,
  fuzzedBody,
  mapsToTaxonomyError,
  nearMiss,
  resultOrTypedError,
  trapValue,
  wrongValue,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEmbedAllResponse, parseEmbedResponse, parseEmbedSparseResponse } from './hf-tei-embed.js';
import { hfTeiErrorType, parseHfTeiError } from './hf-tei-error.js';
import { type HfTeiInfo, parseInfoResponse } from './hf-tei-info.js';
import { mergeRanks, parseRerankResponse } from './hf-tei-rerank.js';
import { parseDecodeResponse, parseTokenizeResponse } from './hf-tei-tokenize.js';

// ---- TEI shapes ----

const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
const rows = <T>(row: fc.Arbitrary<T>) => fc.array(row, { maxLength: 3 });
const dense = rows(fc.oneof({ arbitrary: rows(number), weight: 5 }, { arbitrary: wrongValue, weight: 1 }));
const sparse = rows(rows(nearMiss({ index: fc.nat(), value: number })));
const all = rows(
  rows(fc.oneof({ arbitrary: rows(number), weight: 5 }, { arbitrary: wrongValue, weight: 1 })),
);
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

function expectInfo(result: HfTeiInfo): void {
  for (const key of ['modelId', 'modelDtype', 'version'] as const) expect(typeof result[key]).toBe('string');
  for (const key of ['modelSha', 'servedModelName', 'pooling', 'sha', 'dockerLabel'] as const) {
    expectOptionalType(result[key], 'string');
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
  expectOptionalType(result.maxBatchRequests, 'number');
  expect(typeof result.autoTruncate).toBe('boolean');
  if (result.id2label !== undefined) {
    expect(isPlainObject(result.id2label)).toBe(true);
    for (const label of Object.values(result.id2label)) expect(typeof label).toBe('string');
  }
}

describe('hf-tei readers under fuzzing', () => {
  it('the embed readers: exactly `expected` typed vectors or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fuzzedBody(dense),
        fuzzedBody(sparse),
        fuzzedBody(all),
        fc.nat({ max: 3 }),
        (d, s, a, expected) => {
          resultOrTypedError(
            () => parseEmbedResponse(d, expected),
            (vectors) => {
              expect(vectors).toHaveLength(expected);
              for (const v of vectors) expect(v.every((x) => typeof x === 'number')).toBe(true);
            },
          );
          resultOrTypedError(
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
          resultOrTypedError(
            () => parseEmbedAllResponse(a, expected),
            (vectors) => {
              expect(vectors).toHaveLength(expected);
              for (const v of vectors)
                for (const t of v) expect(t.every((x) => typeof x === 'number')).toBe(true);
            },
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('parseRerankResponse: every index once, shifted by the offset, or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(ranks), fc.nat({ max: 3 }), fc.nat({ max: 100 }), (body, count, offset) => {
        resultOrTypedError(
          () => parseRerankResponse(body, count, offset),
          (result) => {
            expect(result).toHaveLength(count);
            expect(new Set(result.map((r) => r.index)).size).toBe(count);
            for (const r of result) {
              expect(r.index >= offset && r.index < offset + count).toBe(true);
              expect(typeof r.score === 'number' && !Number.isNaN(r.score)).toBe(true);
              expectOptionalType(r.document, 'string');
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
      fc.property(fuzzedBody(info), (body) => {
        resultOrTypedError(() => parseInfoResponse(body), expectInfo);
      }),
      { numRuns: 400 },
    );
  });

  it('the tokenize and decode readers: typed tokens and texts or a taxonomy error (property)', () => {
    fc.assert(
      fc.property(
        fuzzedBody(tokens),
        fuzzedBody(rows(fc.oneof(fc.string(), trapValue))),
        fc.nat({ max: 3 }),
        (t, texts, expected) => {
          resultOrTypedError(
            () => parseTokenizeResponse(t, expected),
            (lists) => {
              expect(lists).toHaveLength(expected);
              for (const list of lists) {
                for (const token of list) {
                  expect(typeof token.id).toBe('number');
                  expect(typeof token.text).toBe('string');
                  expect(typeof token.special).toBe('boolean');
                  expectOptionalType(token.start, 'number');
                  expectOptionalType(token.stop, 'number');
                }
              }
            },
          );
          resultOrTypedError(
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
      fc.property(anyErrorResponse, fuzzedBody(errorBody), (response, body) => {
        mapsToTaxonomyError(() => parseHfTeiError({ ...response, bodyJson: body }));
        mapsToTaxonomyError(() => parseHfTeiError(response));
        expectOptionalType(hfTeiErrorType(body), 'string');
      }),
      { numRuns: 400 },
    );
  });
});
