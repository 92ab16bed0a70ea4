/**
 * The GenAIComps retriever microservice (`POST /v1/retrieval`, port 7000): a query embedding in, the
 * nearest stored documents out. Sent as its OpenAI-style `RetrievalRequest`; both its `RetrievalResponse`
 * and the older `SearchedDoc` answer are read.
 */
import { InvalidRequestError, ResponseFormatError } from '@ipfs-accelerate/core';
import { isJsonObject, type JsonObject } from '@ipfs-accelerate/openai-compatible';
import type { OpeaSearchType } from './opea-chatqna-request.js';

/** A search of the vector store. Settings left out take the service's defaults. */
export interface OpeaRetrievalRequest {
  /** The query's embedding (from {@link OpeaClient.embed} or the embedding service the store was built with). */
  embedding: number[];
  /** The query text, sent as `input`. */
  text?: string;
  /** @default 'similarity' (server side) */
  searchType?: OpeaSearchType;
  /** @default 4 (server side) */
  k?: number;
  /** @default 20 (server side) */
  fetchK?: number;
  /** @default 0.5 (server side) */
  lambdaMult?: number;
  /** @default 0.2 (server side) */
  scoreThreshold?: number;
  distanceThreshold?: number;
  /** Fields added to the wire body as is. */
  providerOptions?: Record<string, unknown>;
}

/** One retrieved document. */
export interface OpeaRetrievedDocument {
  text: string;
  metadata?: Record<string, unknown>;
}

/** The documents the store returned, nearest first. */
export interface OpeaRetrievalResult {
  documents: OpeaRetrievedDocument[];
  requestId: string;
  providerRequestId?: string;
}

function fail(message: string): never {
  throw new InvalidRequestError(`opea: ${message}`, { provider: 'opea' });
}

function count(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)) {
    fail(`${name} must be a positive integer; got ${String(value)}`);
  }
}

function fraction(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'number' || !(value >= 0 && value <= 1))) {
    fail(`${name} must be a number from 0 to 1; got ${String(value)}`);
  }
}

/**
 * Checks a retrieval request: a non-empty vector of finite numbers, and the search settings.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateOpeaRetrievalRequest(request: OpeaRetrievalRequest): void {
  if (!isJsonObject(request)) fail('the retrieval request must be an object');
  const { embedding } = request;
  if (!Array.isArray(embedding) || embedding.length === 0) fail('embedding must be a non-empty array');
  if (!embedding.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    fail('embedding must hold only finite numbers');
  }
  if (request.text !== undefined && typeof request.text !== 'string') fail('text must be a string');
  count('k', request.k);
  count('fetchK', request.fetchK);
  fraction('lambdaMult', request.lambdaMult);
  fraction('scoreThreshold', request.scoreThreshold);
  const distance = request.distanceThreshold;
  if (distance !== undefined && (typeof distance !== 'number' || !(distance >= 0))) {
    fail(`distanceThreshold must be a non-negative number; got ${String(distance)}`);
  }
  if (request.providerOptions !== undefined && !isJsonObject(request.providerOptions)) {
    fail('providerOptions must be an object');
  }
}

/** The wire body (`RetrievalRequest`): only the settings that were given. */
export function buildOpeaRetrievalBody(request: OpeaRetrievalRequest): JsonObject {
  const body: JsonObject = { embedding: request.embedding };
  const fields: Array<[string, unknown]> = [
    ['input', request.text],
    ['search_type', request.searchType],
    ['k', request.k],
    ['fetch_k', request.fetchK],
    ['lambda_mult', request.lambdaMult],
    ['score_threshold', request.scoreThreshold],
    ['distance_threshold', request.distanceThreshold],
  ];
  for (const [field, value] of fields) if (value !== undefined) body[field] = value;
  if (request.providerOptions) Object.assign(body, request.providerOptions);
  return body;
}

/** Reads `{retrieved_docs: [{text, metadata?}, …]}` (extra fields of SearchedDoc are ignored). */
export function parseOpeaRetrievalResponse(body: unknown): OpeaRetrievedDocument[] {
  const docs = isJsonObject(body) ? body.retrieved_docs : undefined;
  if (!Array.isArray(docs)) {
    throw new ResponseFormatError('opea: malformed retrieval response: retrieved_docs is missing', {
      provider: 'opea',
    });
  }
  return docs.map((doc: unknown, i): OpeaRetrievedDocument => {
    if (!isJsonObject(doc) || typeof doc.text !== 'string') {
      throw new ResponseFormatError(`opea: malformed retrieval response: retrieved_docs[${i}] has no text`, {
        provider: 'opea',
      });
    }
    const out: OpeaRetrievedDocument = { text: doc.text };
    if (isJsonObject(doc.metadata)) out.metadata = doc.metadata;
    return out;
  });
}
