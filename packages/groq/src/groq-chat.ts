/**
 * Groq chat: the shared OpenAI-compatible body and response mapping, plus what Groq adds to a completion
 * (`x_groq.id`, the timing fields of `usage`, `message.reasoning`).
 */
import type { AttemptContext, ChatRequest, ChatResult } from '@ipfs-accelerate/core';
import {
  buildOpenAIChatBody,
  type JsonObject,
  parseOpenAIChatResponse,
  validateChatRequest,
} from '@ipfs-accelerate/openai-compatible';
import { GROQ_PROVIDER } from './groq-error.js';
import {
  GROQ_HOOKS,
  type GroqTimings,
  readGroqReasoning,
  readGroqTimings,
  readGroqUsage,
} from './groq-extensions.js';
import { checkGroqProviderOptions, type GroqServiceTier } from './groq-request-options.js';

/** A Groq chat result: the common fields, plus Groq's timings and a reasoning model's reasoning. */
export interface GroqChatResult extends ChatResult {
  /** Groq's server-side timings in seconds (`usage.queue_time`, …), when it sent them. */
  timings?: GroqTimings;
  /** The model's reasoning (`message.reasoning`), sent by reasoning models with `reasoning_format: 'parsed'`. */
  reasoning?: string;
}

/** Client-level settings that shape every chat body. */
export interface GroqChatSettings {
  /** Sent as `service_tier` unless the request's `providerOptions` set one. */
  serviceTier?: GroqServiceTier;
}

/**
 * Validates a chat request (the shared rules plus Groq's extras) and builds its body: `max_completion_tokens`
 * (Groq's current name of the limit), `stream_options.include_usage` on streams, the client's `service_tier`,
 * then the caller's `providerOptions`.
 * @throws InvalidRequestError before any network call
 */
export function buildGroqChatBody(
  request: ChatRequest,
  stream: boolean,
  settings: GroqChatSettings = {},
): JsonObject {
  validateChatRequest(request, GROQ_PROVIDER);
  checkGroqProviderOptions(request.providerOptions);
  return buildOpenAIChatBody(request, {
    provider: GROQ_PROVIDER,
    stream,
    streamUsage: true,
    maxTokensField: 'max_completion_tokens',
    extraBody: settings.serviceTier === undefined ? undefined : { service_tier: settings.serviceTier },
  });
}

/**
 * Parses a Groq `chat.completion` body into a {@link GroqChatResult}. The request id in `x_groq.id` is
 * recorded on the attempt (the ledger keeps it) when no `x-request-id` header carried one.
 * @throws ResponseFormatError for a malformed body; the mapped error for a 200 body that is an error
 */
export function parseGroqChatResponse(
  body: unknown,
  context: Pick<AttemptContext, 'requestId' | 'providerRequestId'>,
): GroqChatResult {
  const parsed = parseOpenAIChatResponse(body, { provider: GROQ_PROVIDER, hooks: GROQ_HOOKS });
  context.providerRequestId ??= parsed.providerRequestId;
  const result: GroqChatResult = {
    text: parsed.text,
    toolCalls: parsed.toolCalls,
    finishReason: parsed.finishReason,
    requestId: context.requestId,
  };
  if (parsed.usage) result.usage = parsed.usage;
  if (parsed.model !== undefined) result.model = parsed.model;
  if (context.providerRequestId !== undefined) result.providerRequestId = context.providerRequestId;
  // parseOpenAIChatResponse accepted the body, so it is an object.
  const timings = readGroqTimings(readGroqUsage(body as JsonObject));
  if (timings) result.timings = timings;
  const reasoning = readGroqReasoning(body);
  if (reasoning !== undefined) result.reasoning = reasoning;
  return result;
}
