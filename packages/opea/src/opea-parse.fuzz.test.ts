/**
 * Fuzz tests of every reader of an OPEA response body (the GenAIComps microservices; ChatQnA's JSON reply
 * and the embedding service are read by the OpenAI-compatible readers, fuzzed in their own package):
 * arbitrary JSON and near-miss bodies give a well-formed result or a taxonomy error, and the error mapper
 * always returns a taxonomy error.
 */
import { isPlainObject, type RerankRequest } from '@ipfs-accelerate/core';
import {
  anyErrorResponse,
  expectOptionalType,
  fuzzedBody,
  mapsToTaxonomyError,
  nearMiss,
  resultOrTypedError,
  trapValue,
} from '@ipfs-accelerate/core/fuzz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpeaValidationError, parseOpeaError, readValidationIssues } from './opea-error.js';
import { parseOpeaRerankResponse } from './opea-reranking.js';
import { parseOpeaRetrievalResponse } from './opea-retrieval.js';

// ---- OPEA shapes ----

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
        loc: fc.array(fc.oneof(fc.string(), fc.nat(), trapValue), { maxLength: 3 }),
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
      fc.property(fuzzedBody(retrieval), (body) => {
        resultOrTypedError(
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
      fc.property(fuzzedBody(rerank), fc.boolean(), (body, returnDocuments) => {
        const request: RerankRequest = { model: '', query: 'q', documents: DOCUMENTS, returnDocuments };
        resultOrTypedError(
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
      fc.property(anyErrorResponse, fuzzedBody(fastApiError), (response, body) => {
        const error = mapsToTaxonomyError(() => parseOpeaError({ ...response, bodyJson: body }));
        if (error instanceof OpeaValidationError) {
          for (const issue of error.issues) {
            expect(typeof issue.field).toBe('string');
            expect(typeof issue.message).toBe('string');
            expectOptionalType(issue.type, 'string');
          }
        }
        mapsToTaxonomyError(() => parseOpeaError(response));
      }),
      { numRuns: 400 },
    );
  });

  it('readValidationIssues never throws, whatever `detail` holds (property)', () => {
    fc.assert(
      fc.property(fuzzedBody(fastApiError), (body) => {
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
