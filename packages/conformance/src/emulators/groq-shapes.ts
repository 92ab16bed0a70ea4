/**
 * Groq's additions to the OpenAI-compatible shapes, for the Groq emulator: `x_groq` on completions and on the
 * first and final stream chunks, the timing fields of usage, parsed reasoning, and its model objects.
 */
import type { EmulatorRequest } from '../emulator/types.js';
import {
  type ChunkInfo,
  countWords,
  EMULATOR_CREATED,
  type OpenAIChatChunk,
  type OpenAIChatCompletion,
} from './openai-compatible-shapes.js';
import { isObject, type JsonObject } from './openai-compatible-validate.js';

/** Requests per day announced in `x-ratelimit-limit-requests` (Groq's free tier for llama-3.1-8b-instant). */
export const GROQ_EMULATOR_REQUEST_LIMIT = 14_400;
/** `x-ratelimit-reset-requests`, in Groq's Go-duration style. */
export const GROQ_EMULATOR_RESET_REQUESTS = '2m59.56s';
/** `x-ratelimit-reset-tokens`, in Groq's Go-duration style. */
export const GROQ_EMULATOR_RESET_TOKENS = '7.66s';

/** Counters of one Groq emulator. */
export interface GroqEmulatorState {
  /** Tokens answered so far, for `x-ratelimit-remaining-tokens`. */
  tokensUsed: number;
  /** Generated text and tool arguments of the streams being serialised, per request. */
  readonly streams: WeakMap<EmulatorRequest, StreamProgress>;
}

/** What a stream generated so far: its text and its tool-call arguments. */
export interface StreamProgress {
  text: string;
  args: string;
}

/** A deterministic Groq request id for a request: `req_` and 26 characters, like Groq's ULID-style ids. */
export function groqRequestId(request: EmulatorRequest): string {
  return `req_01emu${String(request.index).padStart(21, '0')}`;
}

/** Groq's usage timing fields (seconds) for the token counts: 40 µs per prompt token, 2 ms per output token. */
export function groqTimings(promptTokens: number, completionTokens: number): Record<string, number> {
  const queueUs = 1_250;
  const promptUs = promptTokens * 40;
  const completionUs = completionTokens * 2_000;
  return {
    queue_time: queueUs / 1e6,
    prompt_time: promptUs / 1e6,
    completion_time: completionUs / 1e6,
    total_time: (promptUs + completionUs) / 1e6,
  };
}

/** A usage object with Groq's timing fields added. */
function withTimings(usage: JsonObject): JsonObject {
  const prompt = Number(usage.prompt_tokens ?? 0);
  const completion = Number(usage.completion_tokens ?? 0);
  return { ...usage, ...groqTimings(prompt, completion) };
}

/** The service tier Groq echoes: the requested one, `on_demand` for `auto` or none. */
function echoedTier(request: EmulatorRequest): string {
  const tier = isObject(request.json) ? request.json.service_tier : undefined;
  return tier === 'flex' || tier === 'performance' ? tier : 'on_demand';
}

function wantsParsedReasoning(request: EmulatorRequest): boolean {
  return isObject(request.json) && request.json.reasoning_format === 'parsed';
}

/** The emulated reasoning of a reasoning request (`reasoning_format: 'parsed'`). */
export const EMULATOR_REASONING = 'The user wants an echo.';

/** Groq has no `refusal` or `annotations` on messages and deltas. */
function withoutOpenAIOnlyFields(message: unknown): JsonObject {
  if (!isObject(message)) return {};
  const { refusal: _refusal, annotations: _annotations, ...rest } = message;
  return rest;
}

/**
 * Rewrites a completion the Groq way: `x_groq: {id}`, usage with timings, the echoed `service_tier`, no
 * OpenAI-only message fields, and `message.reasoning` when the request asked for parsed reasoning.
 */
export function decorateGroqCompletion(
  completion: OpenAIChatCompletion,
  request: EmulatorRequest,
  state: GroqEmulatorState,
): OpenAIChatCompletion {
  state.tokensUsed += completion.usage.total_tokens;
  const reasoning = wantsParsedReasoning(request) ? { reasoning: EMULATOR_REASONING } : {};
  const choices = completion.choices.map((choice) => ({
    ...choice,
    message: { ...withoutOpenAIOnlyFields(choice.message), ...reasoning },
  }));
  return {
    ...completion,
    choices,
    usage: withTimings(completion.usage as unknown as JsonObject) as unknown as OpenAIChatCompletion['usage'],
    service_tier: echoedTier(request),
    x_groq: { id: groqRequestId(request) },
  };
}

function promptTokens(request: EmulatorRequest): number {
  const messages =
    isObject(request.json) && Array.isArray(request.json.messages) ? request.json.messages : [];
  let count = 0;
  for (const message of messages) {
    const content: unknown = isObject(message) ? message.content : undefined;
    if (typeof content === 'string') count += countWords(content);
    else if (Array.isArray(content)) {
      const texts = content.filter((p) => isObject(p) && p.type === 'text' && typeof p.text === 'string');
      count += countWords(texts.map((p) => (p as { text: string }).text).join(' '));
    }
  }
  return count;
}

/** Adds the text and tool arguments a chunk generates, for the final usage of a stream without `include_usage`. */
function track(progress: StreamProgress, chunk: OpenAIChatChunk): void {
  for (const choice of chunk.choices) {
    const delta = isObject(choice.delta) ? choice.delta : {};
    if (typeof delta.content === 'string') progress.text += delta.content;
    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) {
        const fn = isObject(call) && isObject(call.function) ? call.function : {};
        if (typeof fn.arguments === 'string') progress.args += fn.arguments;
      }
    }
  }
}

/**
 * Rewrites a stream chunk the Groq way: `x_groq: {id}` on the first chunk; `x_groq: {id, usage}` (usage with
 * timings, counted like the non-streamed completion) on the final one, whether or not the request asked for
 * `include_usage`; timings on a top-level usage too; parsed reasoning on the role chunk when asked for.
 */
export function decorateGroqChunk(
  chunk: OpenAIChatChunk,
  info: ChunkInfo,
  state: GroqEmulatorState,
): OpenAIChatChunk {
  const { request, index, last } = info;
  const progress = state.streams.get(request) ?? { text: '', args: '' };
  state.streams.set(request, progress);
  track(progress, chunk);
  const reasoning = index === 0 && wantsParsedReasoning(request) ? { reasoning: EMULATOR_REASONING } : {};
  const choices = chunk.choices.map((choice) => ({
    ...choice,
    delta: { ...withoutOpenAIOnlyFields(choice.delta), ...reasoning },
  }));
  const decorated: Record<string, unknown> = { ...chunk, choices, service_tier: echoedTier(request) };
  if (isObject(chunk.usage)) decorated.usage = withTimings(chunk.usage);
  if (index === 0 && !last) decorated.x_groq = { id: groqRequestId(request) };
  if (last) {
    state.streams.delete(request);
    const usage = isObject(chunk.usage)
      ? chunk.usage
      : completionUsage(promptTokens(request), countWords(progress.text) + countWords(progress.args));
    state.tokensUsed += Number(usage.total_tokens ?? 0);
    decorated.x_groq = { id: groqRequestId(request), usage: withTimings(usage) };
  }
  return decorated as unknown as OpenAIChatChunk;
}

function completionUsage(prompt: number, completion: number): JsonObject {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Who Groq lists as a model's owner: the vendor prefix of `vendor/model`, Meta for Llama, else Groq. */
function ownerOf(id: string): string {
  const slash = id.indexOf('/');
  if (slash > 0) return id.slice(0, slash);
  return /^llama/i.test(id) ? 'Meta' : 'Groq';
}

/** A Groq model object: OpenAI's fields plus `active`, `context_window`, `public_apps`, `max_completion_tokens`. */
export function groqModel(id: string): Record<string, unknown> {
  return {
    id,
    object: 'model',
    created: EMULATOR_CREATED,
    owned_by: ownerOf(id),
    active: true,
    context_window: 131_072,
    public_apps: null,
    max_completion_tokens: 32_768,
  };
}
