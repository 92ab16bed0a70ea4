/**
 * The NDJSON stream of `/api/chat` -> ChatStreamEvents. Each line is a chunk `{message:{content, thinking?,
 * tool_calls?}, done:false}`; the last is `{done:true, done_reason, <stats>}`. A line `{"error": "…"}` (status
 * already 200) is a failure reported in-band.
 */
import type { ChatStreamEvent, FrameMapper } from '@ipfs-accelerate/core';
import type { OllamaWireChatResponse } from './ollama-api-types.js';
import { toolCallFromWire } from './ollama-chat.js';
import { ollamaStreamError } from './ollama-error.js';
import { asObject, isOllamaDone } from './ollama-json.js';
import { ollamaFinishReason, ollamaUsage } from './ollama-metrics.js';

/**
 * A fresh mapper for one attempt: `message.thinking` -> reasoning-delta, `message.content` -> text-delta, each
 * tool call -> one tool-call-delta carrying the whole call (Ollama never splits one), and the done object ->
 * exactly one `finish` with usage. Empty chunks produce nothing.
 */
export function createOllamaChatStreamMapper(): FrameMapper<unknown, ChatStreamEvent> {
  let toolCallCount = 0;
  return {
    map(frame) {
      const chunk = asObject<OllamaWireChatResponse>(frame, 'a chat stream line');
      if (chunk.error !== undefined) throw ollamaStreamError(chunk.error);
      const events: ChatStreamEvent[] = [];
      const message = chunk.message;
      if (typeof message === 'object' && message !== null) {
        if (typeof message.thinking === 'string' && message.thinking !== '') {
          events.push({ type: 'reasoning-delta', text: message.thinking });
        }
        if (typeof message.content === 'string' && message.content !== '') {
          events.push({ type: 'text-delta', text: message.content });
        }
        if (Array.isArray(message.tool_calls)) {
          for (const wire of message.tool_calls) {
            const index = toolCallCount++;
            const call = toolCallFromWire(wire, index);
            events.push({
              type: 'tool-call-delta',
              index,
              id: call.id,
              name: call.name,
              argumentsDelta: call.arguments,
            });
          }
        }
      }
      if (chunk.done === true) {
        events.push({
          type: 'finish',
          finishReason: ollamaFinishReason(chunk.done_reason, toolCallCount > 0),
          usage: ollamaUsage(chunk),
        });
      }
      return events.length === 0 ? undefined : events;
    },
    isTerminal: isOllamaDone,
  };
}
