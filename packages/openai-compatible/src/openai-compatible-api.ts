/**
 * The wire shapes of the OpenAI chat-completions family, as this package sends them. Responses are read
 * defensively (as `unknown`) because every OpenAI-compatible server bends them a little.
 */
import type { ChatResult } from '@ipfs-accelerate/core';

/** A content part of a wire user message. */
export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } };

/** A tool call as an assistant message carries it on the wire. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One wire message of `POST /chat/completions`. */
export type OpenAIMessage =
  | { role: 'system'; content: string; name?: string }
  | { role: 'user'; content: string | OpenAIContentPart[]; name?: string }
  | { role: 'assistant'; content: string; tool_calls?: OpenAIToolCall[]; name?: string }
  | { role: 'tool'; content: string; tool_call_id: string };

/** Which body field carries the output-token limit: the legacy one, or the one reasoning models require. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/** The operations this package maps, as named in records and stats. */
export type OpenAICompatibleOperation = 'chat' | 'stream-chat' | 'embed' | 'list-models';

/** A JSON object of a response or a stream chunk. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Where a service puts things outside the OpenAI shape; each hook reads a response body or a stream chunk.
 * Groq, for example, sends its request id and final usage under `x_groq`.
 */
export interface OpenAICompatibleHooks {
  /** The service's request id carried in a body or chunk (Groq: `x_groq.id`), when no header had one. */
  providerRequestId?(body: JsonObject): string | undefined;
  /** Wire usage (`prompt_tokens`, …) carried outside `usage` (Groq: `x_groq.usage`); `usage` is the fallback. */
  usage?(body: JsonObject): unknown;
  /** An in-band error carried outside `error` (Groq: `x_groq.error`); a string or an error object. */
  streamError?(chunk: JsonObject): unknown;
}

/**
 * The core's TokenUsage (`inputTokens`, `outputTokens`, `totalTokens`), named through ChatResult because
 * the core's index does not export the type itself. @internal
 */
export type TokenUsage = NonNullable<ChatResult['usage']>;
