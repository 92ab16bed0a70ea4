/**
 * Groq chat streams: the shared `chat.completion.chunk` mapper with Groq's hooks (`x_groq.id` in the first
 * and final chunks, `x_groq.usage` in the final one, `x_groq.error` when a stream stops early), and the
 * timings of the final usage carried on the `finish` event.
 */
import type { AttemptContext, ChatStreamEvent, FrameMapper, SseEvent } from '@ipfs-accelerate/core';
import {
  createOpenAIChatStreamMapper,
  type JsonObject,
  type OpenAICompatibleHooks,
} from '@ipfs-accelerate/openai-compatible';
import { GROQ_PROVIDER } from './groq-error.js';
import { GROQ_HOOKS, type GroqTimings, readGroqTimings } from './groq-extensions.js';

/** The `finish` event of a Groq stream: the common one, plus Groq's timings of the whole completion. */
export type GroqFinishEvent = Extract<ChatStreamEvent, { type: 'finish' }> & {
  /** Groq's server-side timings in seconds, from the final chunk's usage. */
  timings?: GroqTimings;
};

/** Events of a Groq chat stream: the common deltas, then exactly one {@link GroqFinishEvent}. */
export type GroqChatStreamEvent = Exclude<ChatStreamEvent, { type: 'finish' }> | GroqFinishEvent;

/**
 * Makes the mapper for one stream attempt. Reasoning deltas (`delta.reasoning`), text and tool calls are
 * the shared mapper's; an `error` chunk or `x_groq.error` throws the mapped error (retried by the core
 * before any content, a StreamError after). The timings are kept per attempt, so concurrent streams never
 * see each other's.
 */
export function createGroqChatStreamMapper(
  context: Pick<AttemptContext, 'providerRequestId'>,
): FrameMapper<SseEvent, GroqChatStreamEvent> {
  let timings: GroqTimings | undefined;
  const hooks: OpenAICompatibleHooks = {
    ...GROQ_HOOKS,
    usage(chunk: JsonObject): unknown {
      const usage = GROQ_HOOKS.usage(chunk);
      timings = readGroqTimings(usage ?? chunk.usage) ?? timings;
      return usage;
    },
  };
  const inner = createOpenAIChatStreamMapper({ provider: GROQ_PROVIDER, hooks, context });
  return {
    map: (frame) => inner.map(frame),
    isTerminal: (frame) => inner.isTerminal?.(frame) ?? false,
    flush() {
      const events = inner.flush?.();
      if (!events || timings === undefined) return events;
      return events.map(
        (event): GroqChatStreamEvent => (event.type === 'finish' ? { ...event, timings } : event),
      );
    },
  };
}
