/**
 * The SSE stream of `:streamGenerateContent?alt=sse` -> ChatStreamEvents. Every `data:` event is a complete
 * GenerateContentResponse holding only the new parts; the last one carries `finishReason` and the full
 * `usageMetadata`. There is no `[DONE]`: the chunk with a finish reason (or a prompt block) is the terminal
 * frame, so a body that ends without one was cut short. A failure after HTTP 200 arrives as a bare
 * `{"error": {…}}` line without `data:` (decode with `rawJsonLines`).
 */
import {
  type AttemptContext,
  type ChatStreamEvent,
  type FrameMapper,
  isPlainObject,
  ResponseFormatError,
  type SseEvent,
  type TokenUsage,
} from '@ipfs-accelerate/core';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiWireResponse } from './gemini-api-types.js';
import {
  blockReasonOf,
  firstCandidate,
  readCandidateParts,
  recordResponseId,
  toolCallOf,
} from './gemini-chat-response.js';
import { geminiStreamError } from './gemini-error.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** Text, reasoning and tool-call deltas are content: once one reached the caller, the stream is not retried. */
export function isGeminiChatContent(event: ChatStreamEvent): boolean {
  return event.type !== 'finish';
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function parseFrame(frame: SseEvent): GeminiWireResponse {
  let chunk: unknown;
  try {
    chunk = JSON.parse(frame.data);
  } catch (cause) {
    throw new ResponseFormatError(`gemini: malformed stream chunk: ${excerpt(frame.data)}`, { cause });
  }
  if (isPlainObject(chunk) && chunk.error !== undefined) throw geminiStreamError(chunk);
  // A bare JSON line that is not an error object is not part of the protocol.
  if (!isPlainObject(chunk) || frame.event === 'raw') {
    throw new ResponseFormatError(`gemini: stream chunk is not a response object: ${excerpt(frame.data)}`);
  }
  return chunk as GeminiWireResponse;
}

/**
 * A fresh mapper for one attempt: thought parts -> reasoning-delta, text -> text-delta, each functionCall ->
 * one tool-call-delta carrying the whole call (Gemini never splits one; ids `call_<n>` unless the service
 * sent one), and the chunk with a finish reason -> exactly one `finish` with the last usage seen. A blocked
 * prompt ends the stream with `finish` `content-filter`. `responseId` becomes the attempt's provider request id.
 */
export function createGeminiChatStreamMapper(
  context: AttemptContext,
): FrameMapper<SseEvent, ChatStreamEvent> {
  let toolCallCount = 0;
  let usage: TokenUsage | undefined;
  let terminal = false;
  return {
    map(frame) {
      if (frame.data.trim() === '') return undefined;
      const chunk = parseFrame(frame);
      recordResponseId(chunk, context);
      usage = convertGeminiUsage(chunk.usageMetadata) ?? usage;
      const events: ChatStreamEvent[] = [];
      const candidate = firstCandidate(chunk);
      const parts = readCandidateParts(candidate);
      if (parts.reasoning !== '') events.push({ type: 'reasoning-delta', text: parts.reasoning });
      if (parts.text !== '') events.push({ type: 'text-delta', text: parts.text });
      for (const wire of parts.calls) {
        const index = toolCallCount++;
        const call = toolCallOf(wire, index);
        events.push({
          type: 'tool-call-delta',
          index,
          id: call.id,
          name: call.name,
          argumentsDelta: call.arguments,
        });
      }
      const finishReason = candidate?.finishReason;
      if (typeof finishReason === 'string' && finishReason !== '') {
        terminal = true;
        events.push(finishEvent(mapGeminiFinishReason(finishReason, toolCallCount > 0), usage));
      } else if (blockReasonOf(chunk) !== undefined) {
        terminal = true;
        events.push(finishEvent('content-filter', usage));
      }
      return events.length === 0 ? undefined : events;
    },
    // The core asks right after mapping the same frame.
    isTerminal: () => terminal,
  };
}

function finishEvent(
  finishReason: Extract<ChatStreamEvent, { type: 'finish' }>['finishReason'],
  usage: TokenUsage | undefined,
): ChatStreamEvent {
  return usage ? { type: 'finish', finishReason, usage } : { type: 'finish', finishReason };
}
