import type { EmulatorRequest } from '../emulator/types.js';

/** `created` of every object the emulator returns: a constant keeps replies deterministic. */
export const EMULATOR_CREATED = 1_700_000_000;
/** `system_fingerprint` of every completion. */
export const EMULATOR_FINGERPRINT = 'fp_emulator';

/** An OpenAI chat completion as the emulator sends it (extra keys allowed for provider decorations). */
export interface OpenAIChatCompletion {
  readonly id: string;
  readonly object: 'chat.completion';
  readonly created: number;
  readonly model: string;
  readonly choices: readonly Record<string, unknown>[];
  readonly usage: OpenAIUsage;
  readonly [extra: string]: unknown;
}

/** An OpenAI chat completion chunk (extra keys allowed for provider decorations). */
export interface OpenAIChatChunk {
  readonly id: string;
  readonly object: 'chat.completion.chunk';
  readonly choices: readonly Record<string, unknown>[];
  readonly [extra: string]: unknown;
}

/** OpenAI `CompletionUsage` with its detail objects. */
export interface OpenAIUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly audio_tokens: number };
  readonly completion_tokens_details: Readonly<Record<string, number>>;
}

/** Where a chunk sits in its stream, for {@link ChatHooks.decorateChunk}. */
export interface ChunkInfo {
  readonly request: EmulatorRequest;
  /** Position of the chunk in the stream, from 0. */
  readonly index: number;
  /** True for the stream's final chunk (the usage chunk when `include_usage` is on). */
  readonly last: boolean;
}

/** Hooks that let OpenAI-compatible providers (Groq, OVMS, TGI, ...) add their extras. */
export interface ChatHooks {
  /** Rewrites a non-streamed completion, e.g. to add Groq's `x_groq`. */
  readonly decorateCompletion?: (
    completion: OpenAIChatCompletion,
    request: EmulatorRequest,
  ) => OpenAIChatCompletion;
  /** Rewrites each stream chunk before it is serialised. */
  readonly decorateChunk?: (chunk: OpenAIChatChunk, info: ChunkInfo) => OpenAIChatChunk;
}

/** Counters shared by the routes of one emulator (ids are counters, never random). */
export interface OpenAIEmulatorState {
  completions: number;
  toolCalls: number;
  tokensUsed: number;
}

/** What the emulated model answers: text or one tool call, with its finish reason and token counts. */
export interface ChatPlan {
  readonly id: string;
  readonly model: string;
  readonly content: string | undefined;
  readonly toolCall: { readonly id: string; readonly name: string; readonly arguments: string } | undefined;
  readonly finishReason: 'stop' | 'length' | 'tool_calls';
  readonly usage: OpenAIUsage;
  readonly includeUsage: boolean;
}

/** Splits text into word pieces that keep their trailing whitespace, so the pieces concatenate to the text. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? [];
}

/** Whitespace-separated words: the emulator's token count. */
export function countWords(text: string): number {
  return wordPieces(text).length;
}

/** Builds `CompletionUsage` with zeroed detail objects. */
export function usageOf(promptTokens: number, completionTokens: number): OpenAIUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
