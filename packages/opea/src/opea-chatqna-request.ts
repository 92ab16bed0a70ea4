/**
 * The ChatQnA megaservice's request (`ChatCompletionRequest` of GenAIComps, OpenAI-like and extended with
 * retriever and reranker knobs), checked before anything is sent and mapped to its wire body.
 */
import { type ChatMessage, InvalidRequestError } from '@ipfs-accelerate/core';
import {
  convertToOpenAIMessages,
  type JsonObject,
  validateChatRequest,
} from '@ipfs-accelerate/openai-compatible';

/** How the retriever searches the vector store (GenAIComps `search_type`). */
export type OpeaSearchType =
  | 'similarity'
  | 'similarity_distance_threshold'
  | 'similarity_score_threshold'
  | 'mmr';

/** Retriever settings of a ChatQnA request; the megaservice's defaults apply to what is left out. */
export interface ChatQnARetrieverOptions {
  /** @default 'similarity' (server side) */
  searchType?: OpeaSearchType;
  /** Documents to retrieve. @default 4 (server side) */
  k?: number;
  /** Candidates fetched before MMR picks `k`. @default 20 (server side) */
  fetchK?: number;
  /** MMR diversity, 0 (diverse) to 1 (similar). @default 0.5 (server side) */
  lambdaMult?: number;
  /** Minimum relevance for `similarity_score_threshold`, 0 to 1. @default 0.2 (server side) */
  scoreThreshold?: number;
  /** Maximum distance for `similarity_distance_threshold`. */
  distanceThreshold?: number;
}

/** A question to the ChatQnA megaservice (`POST /v1/chatqna`). */
export interface ChatQnARequest {
  /** The question as text, or a conversation (the megaservice flattens it into one prompt). */
  messages: string | ChatMessage[];
  /** The LLM to ask, where the deployment lets the caller choose. */
  model?: string;
  /** @default 1024 (server side) */
  maxTokens?: number;
  /** @default 0.01 (server side) */
  temperature?: number;
  /** @default 0.95 (server side) */
  topP?: number;
  /** @default 10 (server side) */
  topK?: number;
  stop?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** @default 1.03 (server side) */
  repetitionPenalty?: number;
  /** A prompt template with `{question}` and optionally `{context}` placeholders. */
  chatTemplate?: string;
  retriever?: ChatQnARetrieverOptions;
  /** How many reranked documents go into the prompt. @default 1 (server side) */
  reranker?: { topN?: number };
  /** Fields added to the wire body as is (the client owns `stream`). */
  providerOptions?: Record<string, unknown>;
}

const SEARCH_TYPES: ReadonlySet<string> = new Set([
  'similarity',
  'similarity_distance_threshold',
  'similarity_score_threshold',
  'mmr',
]);

function fail(message: string): never {
  throw new InvalidRequestError(`opea: ${message}`, { provider: 'opea' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNumber(name: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    fail(`${name} must be a number from ${min} to ${max}; got ${String(value)}`);
  }
}

function checkCount(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail(`${name} must be a positive integer; got ${String(value)}`);
  }
}

/**
 * Checks a ChatQnA request: non-empty messages (text, or messages as for chat), sampling ranges, counts,
 * the retriever and reranker settings. Tools, JSON mode and seeds are not part of ChatQnA and are refused.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateChatQnARequest(request: ChatQnARequest): void {
  if (!isObject(request)) fail('the ChatQnA request must be an object');
  const { messages } = request;
  if (typeof messages === 'string') {
    if (messages.trim() === '') fail('messages must not be empty');
  } else {
    // The shared check of chat messages wants a model; ChatQnA has its own, so any name does here.
    validateChatRequest({ model: 'chatqna', messages }, 'opea');
  }
  for (const name of ['tools', 'toolChoice', 'responseFormat', 'seed'] as const) {
    if ((request as unknown as Record<string, unknown>)[name] !== undefined) {
      fail(`${name} is not supported by the ChatQnA megaservice`);
    }
  }
  if (request.model !== undefined && (typeof request.model !== 'string' || request.model === '')) {
    fail('model must be a non-empty string when given');
  }
  checkCount('maxTokens', request.maxTokens);
  checkNumber('temperature', request.temperature, 0, 2);
  checkNumber('topP', request.topP, 0, 1);
  checkCount('topK', request.topK);
  checkNumber('frequencyPenalty', request.frequencyPenalty, -2, 2);
  checkNumber('presencePenalty', request.presencePenalty, -2, 2);
  checkNumber('repetitionPenalty', request.repetitionPenalty, Number.MIN_VALUE, 10);
  if (request.stop !== undefined) {
    if (!Array.isArray(request.stop) || !request.stop.every((s) => typeof s === 'string')) {
      fail('stop must be an array of strings');
    }
  }
  if (request.chatTemplate !== undefined) {
    if (typeof request.chatTemplate !== 'string' || !request.chatTemplate.includes('{question}')) {
      fail('chatTemplate must be a string with a {question} placeholder');
    }
  }
  const { retriever, reranker } = request;
  if (retriever !== undefined) {
    if (!isObject(retriever)) fail('retriever must be an object');
    if (retriever.searchType !== undefined && !SEARCH_TYPES.has(String(retriever.searchType))) {
      fail(`retriever.searchType must be one of ${[...SEARCH_TYPES].join(', ')}`);
    }
    checkCount('retriever.k', retriever.k);
    checkCount('retriever.fetchK', retriever.fetchK);
    checkNumber('retriever.lambdaMult', retriever.lambdaMult, 0, 1);
    checkNumber('retriever.scoreThreshold', retriever.scoreThreshold, 0, 1);
    checkNumber('retriever.distanceThreshold', retriever.distanceThreshold, 0, Number.MAX_VALUE);
  }
  if (reranker !== undefined) {
    if (!isObject(reranker)) fail('reranker must be an object');
    checkCount('reranker.topN', reranker.topN);
  }
  if (request.providerOptions !== undefined && !isObject(request.providerOptions)) {
    fail('providerOptions must be an object');
  }
}

function put(body: JsonObject, field: string, value: unknown): void {
  if (value !== undefined) body[field] = value;
}

/**
 * The wire body of a (validated) request. `stream` is always sent: ChatQnA streams unless told not to.
 * Conversations go as OpenAI messages; `providerOptions` come last, except `stream`.
 */
export function buildChatQnABody(request: ChatQnARequest, stream: boolean): JsonObject {
  const body: JsonObject = {
    messages:
      typeof request.messages === 'string'
        ? request.messages
        : convertToOpenAIMessages(request.messages, 'opea'),
  };
  put(body, 'model', request.model);
  put(body, 'max_tokens', request.maxTokens);
  put(body, 'temperature', request.temperature);
  put(body, 'top_p', request.topP);
  put(body, 'top_k', request.topK);
  put(body, 'stop', request.stop);
  put(body, 'frequency_penalty', request.frequencyPenalty);
  put(body, 'presence_penalty', request.presencePenalty);
  put(body, 'repetition_penalty', request.repetitionPenalty);
  put(body, 'chat_template', request.chatTemplate);
  const retriever = request.retriever ?? {};
  put(body, 'search_type', retriever.searchType);
  put(body, 'k', retriever.k);
  put(body, 'fetch_k', retriever.fetchK);
  put(body, 'lambda_mult', retriever.lambdaMult);
  put(body, 'score_threshold', retriever.scoreThreshold);
  put(body, 'distance_threshold', retriever.distanceThreshold);
  put(body, 'top_n', request.reranker?.topN);
  if (request.providerOptions) {
    const { stream: _ignored, ...rest } = request.providerOptions;
    Object.assign(body, rest);
  }
  body.stream = stream;
  return body;
}
