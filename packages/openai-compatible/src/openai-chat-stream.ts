/**
 * `chat.completion.chunk` SSE frames to ChatStreamEvents: text, reasoning and tool-call deltas, then exactly
 * one `finish` with the last finish reason and the usage of the final (`choices: []`) chunk.
 */
import {
  type AttemptContext,
  type ChatStreamEvent,
  type FinishReason,
  type FrameMapper,
  ResponseFormatError,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { readToolArguments } from './openai-chat-response.js';
import {
  isJsonObject,
  type JsonObject,
  type OpenAICompatibleHooks,
  type TokenUsage,
} from './openai-compatible-api.js';
import { mapOpenAIStreamError } from './openai-error.js';

/** Options of {@link createOpenAIChatStreamMapper}. */
export interface OpenAIChatStreamOptions {
  /** The provider's name, for messages and errors. @default 'openai' */
  provider?: string;
  hooks?: OpenAICompatibleHooks;
  /** The attempt: a request id found in a chunk by the hook is recorded on it when no header carried one. */
  context?: Pick<AttemptContext, 'providerRequestId'>;
}

/** The `[DONE]` sentinel ends an OpenAI stream. */
export function isOpenAIStreamTerminal(frame: SseEvent): boolean {
  return frame.data === '[DONE]';
}

/** Text, reasoning and tool-call deltas are content: once one reached the caller, the stream is not retried. */
export function isOpenAIChatContent(event: ChatStreamEvent): boolean {
  return event.type !== 'finish';
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function toolCallDeltas(value: unknown, out: ChatStreamEvent[]): void {
  if (!Array.isArray(value)) return;
  value.forEach((call: unknown, position) => {
    if (!isJsonObject(call)) return;
    const fn = isJsonObject(call.function) ? call.function : {};
    const event: ChatStreamEvent & { type: 'tool-call-delta' } = {
      type: 'tool-call-delta',
      // The wire's index, when it is one a consumer can assemble calls by; else the call's position.
      index:
        Number.isSafeInteger(call.index) && (call.index as number) >= 0 ? (call.index as number) : position,
      argumentsDelta: readToolArguments(fn.arguments),
    };
    if (nonEmpty(call.id)) event.id = call.id;
    if (nonEmpty(fn.name)) event.name = fn.name;
    if (event.id !== undefined || event.name !== undefined || event.argumentsDelta !== '') out.push(event);
  });
}

/**
 * Makes the mapper for one stream attempt. `[DONE]` maps to nothing (pass {@link isOpenAIStreamTerminal}
 * as its terminal test); a chunk with `error` (or a named `event: error` frame, or the `streamError` hook)
 * throws the mapped taxonomy error; malformed JSON throws ResponseFormatError. `flush()` emits the one
 * `finish` event.
 */
export function createOpenAIChatStreamMapper(
  options: OpenAIChatStreamOptions = {},
): FrameMapper<SseEvent, ChatStreamEvent> {
  const provider = options.provider ?? 'openai';
  const { hooks, context } = options;
  let finishReason: FinishReason | undefined;
  let usage: TokenUsage | undefined;
  let finished = false;

  const parse = (frame: SseEvent): unknown => {
    try {
      return JSON.parse(frame.data);
    } catch (cause) {
      if (frame.event === 'error') return frame.data;
      throw new ResponseFormatError(`${provider}: malformed stream chunk: ${excerpt(frame.data)}`, {
        provider,
        cause,
      });
    }
  };

  const readChunk = (chunk: JsonObject, events: ChatStreamEvent[]): void => {
    if (chunk.error !== undefined && chunk.error !== null) throw mapOpenAIStreamError(chunk, provider);
    const hookError = hooks?.streamError?.(chunk);
    if (hookError !== undefined && hookError !== null) throw mapOpenAIStreamError(hookError, provider);
    if (context && context.providerRequestId === undefined) {
      const id = hooks?.providerRequestId?.(chunk);
      if (id) context.providerRequestId = id;
    }
    usage = convertOpenAIUsage(hooks?.usage?.(chunk) ?? chunk.usage) ?? usage;
    const { choices } = chunk;
    if (choices === undefined || choices === null) return;
    if (!Array.isArray(choices))
      throw new ResponseFormatError(`${provider}: stream chunk choices is not an array`);
    for (const choice of choices) {
      // Only the first choice is mapped: the common events have no choice index.
      if (!isJsonObject(choice) || (choice.index ?? 0) !== 0) continue;
      const { delta } = choice;
      if (isJsonObject(delta)) {
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (nonEmpty(reasoning)) events.push({ type: 'reasoning-delta', text: reasoning });
        if (nonEmpty(delta.content)) events.push({ type: 'text-delta', text: delta.content });
        toolCallDeltas(delta.tool_calls, events);
      }
      if (nonEmpty(choice.finish_reason)) finishReason = mapOpenAIFinishReason(choice.finish_reason);
    }
  };

  return {
    map(frame) {
      if (frame.data === '[DONE]' || frame.data.trim() === '') return undefined;
      const chunk = parse(frame);
      if (frame.event === 'error') throw mapOpenAIStreamError(chunk, provider);
      if (!isJsonObject(chunk)) {
        throw new ResponseFormatError(
          `${provider}: stream chunk is not a JSON object: ${excerpt(frame.data)}`,
          {
            provider,
          },
        );
      }
      const events: ChatStreamEvent[] = [];
      readChunk(chunk, events);
      return events.length === 0 ? undefined : events.length === 1 ? events[0] : events;
    },
    isTerminal: isOpenAIStreamTerminal,
    flush() {
      if (finished) return undefined;
      finished = true;
      const finish: ChatStreamEvent = { type: 'finish', finishReason: finishReason ?? 'other' };
      if (usage) finish.usage = usage;
      return [finish];
    },
  };
}
