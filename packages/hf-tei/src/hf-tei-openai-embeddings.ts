/**
 * TEI's OpenAI-compatible `POST /v1/embeddings`, on the shared OpenAI mapping (body, float/base64 vectors,
 * usage), cut into server-sized batches like the native routes. `model` is optional: the server serves
 * one model and reports its name.
 */
import type { Backend, EmbedRequest, EmbedResult, RequestOptions, TokenUsage } from '@ipfs-accelerate/core';
import { buildOpenAIEmbeddingsBody, parseOpenAIEmbeddingsResponse } from '@ipfs-accelerate/openai-compatible';
import { check, textList } from './hf-tei-validate.js';

/** How the client runs items in server-sized batches (see `runInBatches`). */
export type BatchRunner = <T, R>(
  items: readonly T[],
  options: RequestOptions | undefined,
  send: (batch: T[], options: RequestOptions | undefined, offset: number) => Promise<R>,
) => Promise<R[]>;

/** Checks an OpenAI-style request (model optional here) and returns its inputs as a list. @throws InvalidRequestError */
export function validateOpenAIEmbedRequest(request: EmbedRequest): string[] {
  check.object(request, 'the embeddings request');
  if (request.model !== undefined && typeof request.model !== 'string') check.fail('model must be a string');
  const texts = textList(request.input, 'input');
  check.optionalNumber(request.dimensions, 'dimensions', { min: 1, integer: true });
  if (request.providerOptions !== undefined) check.object(request.providerOptions, 'providerOptions');
  return texts;
}

function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return {
    inputTokens: (a.inputTokens ?? 0) + (b.inputTokens ?? 0),
    outputTokens: (a.outputTokens ?? 0) + (b.outputTokens ?? 0),
    totalTokens: (a.totalTokens ?? 0) + (b.totalTokens ?? 0),
  };
}

/** `/v1/embeddings` for every batch of the inputs: vectors in input order, usage summed, the first batch's ids. */
export async function openAIEmbeddingsInBatches(
  backend: Backend,
  request: EmbedRequest,
  options: RequestOptions | undefined,
  inBatches: BatchRunner,
): Promise<EmbedResult> {
  const texts = validateOpenAIEmbedRequest(request);
  const model = request.model === '' ? undefined : request.model;
  const parts = await inBatches(texts, options, (batch, opts) =>
    backend.call<EmbedResult>(
      {
        operation: 'openai-embed',
        path: '/v1/embeddings',
        json: buildOpenAIEmbeddingsBody({ ...request, model: model as string, input: batch }),
        parse: async (response, ctx) => {
          const parsed = parseOpenAIEmbeddingsResponse(await response.body.json(), {
            provider: 'hf-tei',
            expected: batch.length,
          });
          const result: EmbedResult = { embeddings: parsed.embeddings, requestId: ctx.requestId };
          if (parsed.usage) result.usage = parsed.usage;
          if (parsed.model !== undefined) result.model = parsed.model;
          if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
          return result;
        },
        usage: (result) => result.usage,
      },
      opts,
    ),
  );
  const [first, ...rest] = parts as [EmbedResult, ...EmbedResult[]];
  if (rest.length === 0) return first;
  const merged: EmbedResult = { ...first, embeddings: parts.flatMap((p) => p.embeddings) };
  const usage = parts.reduce<TokenUsage | undefined>((sum, p) => addUsage(sum, p.usage), undefined);
  if (usage) merged.usage = usage;
  return merged;
}
