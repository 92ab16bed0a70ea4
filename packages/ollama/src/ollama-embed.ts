/**
 * `POST /api/embed`: embeddings of one text or many, in input order.
 */
import {
  type AttemptContext,
  type EmbedRequest,
  type EmbedResult,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import type { OllamaWireEmbedResponse } from './ollama-api-types.js';
import { asObject, stringOf } from './ollama-json.js';
import { check, optionalKeepAlive, validateModelOptions } from './ollama-validate.js';

/**
 * Checks an EmbedRequest and builds the body. `providerOptions` go into the body (`truncate`, `keep_alive`,
 * `options`); `model`, `input` and `dimensions` come from the typed fields.
 */
export function buildOllamaEmbedBody(request: EmbedRequest): Record<string, unknown> {
  check.object(request, 'embed request');
  check.model(request.model);
  const { input } = request;
  const valid =
    (typeof input === 'string' && input !== '') ||
    (Array.isArray(input) && input.length > 0 && input.every((text) => typeof text === 'string'));
  if (!valid) {
    throw check.invalid('input must be a non-empty string or a non-empty array of strings');
  }
  check.optionalNumber(request.dimensions, 'dimensions', { min: 1, integer: true });
  check.optionalObject(request.providerOptions, 'providerOptions');
  const provider = request.providerOptions ?? {};
  check.optionalBoolean(provider.truncate, 'providerOptions.truncate');
  optionalKeepAlive(provider.keep_alive, 'providerOptions.keep_alive');
  validateModelOptions(provider.options, 'providerOptions.options');
  const body: Record<string, unknown> = { ...provider, model: request.model, input };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  return body;
}

/** Parses the answer of `/api/embed`: one vector of numbers per input. */
export function parseOllamaEmbedResponse(
  json: unknown,
  expected: number,
  context: AttemptContext,
): EmbedResult {
  const data = asObject<OllamaWireEmbedResponse>(json, 'the embed response');
  const { embeddings } = data;
  if (
    !Array.isArray(embeddings) ||
    !embeddings.every((vector) => Array.isArray(vector) && vector.every((x) => typeof x === 'number'))
  ) {
    throw new ResponseFormatError('ollama: embeddings is not an array of number arrays');
  }
  if (embeddings.length !== expected) {
    throw new ResponseFormatError(`ollama: ${embeddings.length} embeddings for ${expected} inputs`);
  }
  const count = data.prompt_eval_count;
  // A count only: a negative or non-finite number from the wire would poison the usage totals.
  const inputTokens = typeof count === 'number' && Number.isFinite(count) && count >= 0 ? count : 0;
  const result: EmbedResult = {
    embeddings: embeddings as number[][],
    usage: { inputTokens, outputTokens: 0, totalTokens: inputTokens },
    model: stringOf(data.model),
    requestId: context.requestId,
  };
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}
