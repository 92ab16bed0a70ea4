/**
 * OVMS `/v3/rerank` (Cohere-style): `{model, query, documents, top_n?, return_documents?}` ->
 * `{results: [{index, relevance_score, document?}]}`, best first.
 */
import {
  isPlainObject,
  type RerankRequest,
  type RerankResult,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { check, OVMS_PROVIDER } from './ovms-validate.js';

/** Checks a rerank request (model filled in already) and builds its body. */
export function buildRerankBody(request: RerankRequest): Record<string, unknown> {
  check.name(request.model, 'model');
  if (typeof request.query !== 'string' || request.query === '')
    check.fail('query must be a non-empty string');
  if (
    !Array.isArray(request.documents) ||
    request.documents.length === 0 ||
    !request.documents.every((d) => typeof d === 'string')
  ) {
    check.fail('documents must be a non-empty array of strings');
  }
  check.optionalNumber(request.topN, 'topN', { min: 1, integer: true });
  check.optionalBoolean(request.returnDocuments, 'returnDocuments');
  const body: Record<string, unknown> = {
    model: request.model,
    query: request.query,
    documents: request.documents,
  };
  if (request.topN !== undefined) body.top_n = request.topN;
  if (request.returnDocuments !== undefined) body.return_documents = request.returnDocuments;
  return body;
}

function documentText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return isPlainObject(value) && typeof value.text === 'string' ? value.text : undefined;
}

/** Reads the results, checking each index against the documents sent. */
export function parseRerankResponse(
  body: unknown,
  documents: number,
): Omit<RerankResult, 'requestId' | 'providerRequestId'> {
  const bad = (why: string) => new ResponseFormatError(`ovms: ${why}`, { provider: OVMS_PROVIDER });
  if (!isPlainObject(body) || !Array.isArray(body.results)) throw bad('rerank response has no results array');
  return {
    results: body.results.map((item: unknown, i) => {
      if (!isPlainObject(item)) throw bad(`rerank results[${i}] is not an object`);
      const { index, relevance_score: score } = item;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= documents) {
        throw bad(`rerank results[${i}].index is not an index of the ${documents} documents`);
      }
      if (typeof score !== 'number' || !Number.isFinite(score)) {
        throw bad(`rerank results[${i}].relevance_score is not a number`);
      }
      const result: RerankResult['results'][number] = { index, score };
      const document = documentText(item.document);
      if (document !== undefined) result.document = document;
      return result;
    }),
  };
}
