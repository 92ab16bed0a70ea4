/**
 * Embeddings: one text through `:embedContent`, several through `:batchEmbedContents` (one inner request per
 * text, each naming `models/<m>` as the service requires). `dimensions` -> `outputDimensionality`;
 * `providerOptions` (`taskType`, `title`, …) go into every inner request.
 */
import {
  type AttemptContext,
  type EmbedRequest,
  type EmbedResult,
  isPlainObject,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { geminiModelPath, geminiModelResource, parseGeminiModel } from './gemini-model-path.js';
import { check, responseObject } from './gemini-validate.js';

/** How an embedding request goes on the wire. */
export interface GeminiEmbedCall {
  path: string;
  json: Record<string, unknown>;
  /** How many vectors the answer must hold. */
  expected: number;
  batch: boolean;
}

function innerRequest(
  text: string,
  request: EmbedRequest,
  model: string | undefined,
): Record<string, unknown> {
  const inner: Record<string, unknown> = { ...request.providerOptions };
  if (model !== undefined) inner.model = model;
  inner.content = { parts: [{ text }] };
  if (request.dimensions !== undefined) inner.outputDimensionality = request.dimensions;
  return inner;
}

/** Checks an EmbedRequest and builds the call: `embedContent` for one string, `batchEmbedContents` for a list. */
export function buildGeminiEmbedCall(request: EmbedRequest): GeminiEmbedCall {
  check.object(request, 'embed request');
  parseGeminiModel(request.model);
  check.optionalObject(request.providerOptions, 'providerOptions');
  check.optionalNumber(request.dimensions, 'dimensions', { min: 1, integer: true });
  const taskType = request.providerOptions?.taskType;
  if (taskType !== undefined && (typeof taskType !== 'string' || taskType === '')) {
    throw check.invalid(
      'providerOptions.taskType must be a task type such as RETRIEVAL_QUERY or SEMANTIC_SIMILARITY',
    );
  }
  const { input } = request;
  if (typeof input === 'string') {
    return {
      path: geminiModelPath(request.model, 'embedContent'),
      json: innerRequest(input, request, undefined),
      expected: 1,
      batch: false,
    };
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw check.invalid('input must be a string or a non-empty array of strings');
  }
  input.forEach((text, i) => {
    if (typeof text !== 'string') throw check.invalid(`input[${i}] must be a string`);
  });
  const model = geminiModelResource(request.model);
  return {
    path: geminiModelPath(request.model, 'batchEmbedContents'),
    json: { requests: input.map((text) => innerRequest(text, request, model)) },
    expected: input.length,
    batch: true,
  };
}

function vectorOf(value: unknown, where: string): number[] {
  const values = isPlainObject(value) ? value.values : undefined;
  if (!Array.isArray(values) || values.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
    throw new ResponseFormatError(`gemini: ${where}.values is not an array of numbers`);
  }
  return values as number[];
}

/** Parses `{embedding: {values}}` or `{embeddings: [{values}, …]}`, checking the count. */
export function parseGeminiEmbedResponse(
  json: unknown,
  call: Pick<GeminiEmbedCall, 'expected' | 'batch'>,
  request: EmbedRequest,
  context: AttemptContext,
): EmbedResult {
  const body = responseObject<Record<string, unknown>>(json, 'the embedding response');
  let embeddings: number[][];
  if (call.batch) {
    if (!Array.isArray(body.embeddings)) throw new ResponseFormatError('gemini: embeddings is not an array');
    embeddings = body.embeddings.map((e, i) => vectorOf(e, `embeddings[${i}]`));
  } else {
    embeddings = [vectorOf(body.embedding, 'embedding')];
  }
  if (embeddings.length !== call.expected) {
    throw new ResponseFormatError(`gemini: expected ${call.expected} embeddings, got ${embeddings.length}`);
  }
  const result: EmbedResult = {
    embeddings,
    model: parseGeminiModel(request.model).id,
    requestId: context.requestId,
  };
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  return result;
}
