/**
 * `:countTokens`: how many tokens a prompt takes. A plain conversation is sent as `{contents}`; one with a
 * system instruction, tools or other options as `{generateContentRequest}`, which counts those too.
 */
import { type AttemptContext, type ChatRequest, ResponseFormatError } from '@ipfs-accelerate/core';
import { buildGeminiGenerateBody } from './gemini-chat-request.js';
import { geminiModelResource } from './gemini-model-path.js';
import { responseObject } from './gemini-validate.js';

/** The answer of {@link GeminiClient.countTokens}. */
export interface GeminiTokenCount {
  totalTokens: number;
  /** Tokens served from a cached content, when the request used one. */
  cachedContentTokenCount?: number;
  /** Our request id (`req_…`), as in the tracking ledger. */
  requestId: string;
}

/** The body of `:countTokens` for a chat request (checked like a chat request). */
export function buildGeminiCountTokensBody(request: ChatRequest): Record<string, unknown> {
  const body = buildGeminiGenerateBody(request);
  const keys = Object.keys(body);
  if (keys.length === 1 && keys[0] === 'contents') return { contents: body.contents };
  return { generateContentRequest: { model: geminiModelResource(request.model), ...body } };
}

/** Parses `{totalTokens, cachedContentTokenCount?}`; the service omits `totalTokens` when it is 0. */
export function parseGeminiCountTokens(json: unknown, context: AttemptContext): GeminiTokenCount {
  const body = responseObject<{ totalTokens?: unknown; cachedContentTokenCount?: unknown }>(
    json,
    'the countTokens response',
  );
  const total = body.totalTokens ?? 0;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 0) {
    throw new ResponseFormatError('gemini: totalTokens is not a non-negative integer');
  }
  const result: GeminiTokenCount = { totalTokens: total, requestId: context.requestId };
  if (typeof body.cachedContentTokenCount === 'number') {
    result.cachedContentTokenCount = body.cachedContentTokenCount;
  }
  return result;
}
