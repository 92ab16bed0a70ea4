/**
 * The GenAIComps embedding microservice (`POST /v1/embeddings`, port 6000): the OpenAI embeddings shape,
 * except that `model` is optional (the service embeds with the model it was started with).
 */
import { type EmbedRequest, InvalidRequestError } from '@ipfs-accelerate/core';
import { buildOpenAIEmbeddingsBody, type JsonObject } from '@ipfs-accelerate/openai-compatible';

function fail(message: string): never {
  throw new InvalidRequestError(`opea: ${message}`, { provider: 'opea' });
}

/**
 * Checks an embedding request: one non-empty text or a non-empty list of them, a model when given,
 * positive integer `dimensions`.
 * @throws InvalidRequestError naming the first bad field
 */
export function validateOpeaEmbedRequest(request: EmbedRequest): void {
  if (typeof request !== 'object' || request === null) fail('the embed request must be an object');
  const { input, model, dimensions } = request;
  if (model !== undefined && typeof model !== 'string') fail('model must be a string');
  if (typeof input === 'string') {
    if (input === '') fail('input must not be empty');
  } else if (!Array.isArray(input) || input.length === 0) {
    fail('input must be a non-empty string or a non-empty array of strings');
  } else if (!input.every((text) => typeof text === 'string' && text !== '')) {
    fail('input must contain only non-empty strings');
  }
  if (dimensions !== undefined && (!Number.isSafeInteger(dimensions) || dimensions < 1)) {
    fail(`dimensions must be a positive integer; got ${String(dimensions)}`);
  }
  const options: unknown = request.providerOptions;
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    fail('providerOptions must be an object');
  }
}

/** The wire body: `{input, encoding_format: 'float', model?, dimensions?}` then `providerOptions`. */
export function buildOpeaEmbeddingsBody(request: EmbedRequest): JsonObject {
  const body = buildOpenAIEmbeddingsBody(request);
  if (request.model === undefined || request.model === '') delete body.model;
  return body;
}
