/**
 * The GenAIComps reranking microservice (`POST /v1/reranking`, port 8000): `RerankingRequest {input,
 * retrieved_docs, top_n}` in, `RerankingResponse {reranked_docs: [{text, score}]}` out, best first. The
 * service answers with texts, not positions, so each is matched back to the caller's document.
 */
import {
  InvalidRequestError,
  type RerankRequest,
  type RerankResult,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { isJsonObject, type JsonObject } from '@ipfs-accelerate/openai-compatible';

function fail(message: string): never {
  throw new InvalidRequestError(`opea: ${message}`, { provider: 'opea' });
}

function malformed(reason: string): ResponseFormatError {
  return new ResponseFormatError(`opea: malformed reranking response: ${reason}`, { provider: 'opea' });
}

/**
 * Checks a rerank request: a non-empty query, a non-empty list of strings, a positive integer `topN`.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateOpeaRerankRequest(request: RerankRequest): void {
  if (!isJsonObject(request)) fail('the rerank request must be an object');
  if (typeof request.query !== 'string' || request.query.trim() === '')
    fail('query must be a non-empty string');
  const { documents, topN } = request;
  if (!Array.isArray(documents) || documents.length === 0) fail('documents must be a non-empty array');
  if (!documents.every((d) => typeof d === 'string')) fail('documents must be strings');
  if (topN !== undefined && (!Number.isSafeInteger(topN) || topN < 1)) {
    fail(`topN must be a positive integer; got ${String(topN)}`);
  }
}

/** The wire body; without `topN` every document is ranked (the service's own default is 1). */
export function buildOpeaRerankBody(request: RerankRequest): JsonObject {
  return {
    input: request.query,
    retrieved_docs: request.documents.map((text) => ({ text })),
    top_n: Math.min(request.topN ?? request.documents.length, request.documents.length),
  };
}

/**
 * Maps the reranked texts back to positions in `documents` (duplicates take the next unused position), best
 * first. A text that was not sent, or a missing score, is a ResponseFormatError.
 */
export function parseOpeaRerankResponse(
  body: unknown,
  request: RerankRequest,
): Omit<RerankResult, 'requestId' | 'providerRequestId'> {
  const docs = isJsonObject(body) ? body.reranked_docs : undefined;
  if (!Array.isArray(docs)) throw malformed('reranked_docs is missing');
  const positions = new Map<string, number[]>();
  request.documents.forEach((text, index) => {
    const list = positions.get(text);
    if (list) list.push(index);
    else positions.set(text, [index]);
  });
  const results = docs.map((doc: unknown, i) => {
    if (!isJsonObject(doc) || typeof doc.text !== 'string')
      throw malformed(`reranked_docs[${i}] has no text`);
    const score = doc.score ?? 0;
    if (typeof score !== 'number' || !Number.isFinite(score)) {
      throw malformed(`reranked_docs[${i}].score is not a number`);
    }
    const index = positions.get(doc.text)?.shift();
    if (index === undefined) throw malformed(`reranked_docs[${i}] is not one of the documents sent`);
    const result: RerankResult['results'][number] = { index, score };
    if (request.returnDocuments) result.document = doc.text;
    return result;
  });
  results.sort((a, b) => b.score - a.score);
  return { results };
}
