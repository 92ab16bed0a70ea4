/**
 * ChatQnA's stream to ChatStreamEvents. The megaservice sends `text/event-stream` frames whose data is the
 * Python repr of each UTF-8 encoded piece (`data: b'Hello'`, `data: b' world\xe2\x80\x99s'`), then
 * `data: [DONE]`. Pieces are decoded with one streaming UTF-8 decoder per attempt, so a character whose
 * bytes were split across frames still comes out whole. No usage is streamed: the finish event has none.
 */
import {
  type ChatStreamEvent,
  type FrameMapper,
  ResponseFormatError,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { isJsonObject, openAIErrorFromBody } from '@ipfs-accelerate/openai-compatible';
import { decodePythonBytesLiteral, isPythonBytesLiteral } from './python-bytes-literal.js';

const PROVIDER = 'opea';

/** `data: [DONE]` ends a ChatQnA stream. */
export function isChatQnAStreamTerminal(frame: SseEvent): boolean {
  return frame.data.trim() === '[DONE]';
}

/** Text deltas are content; the finish event is not. */
export function isChatQnAContent(event: ChatStreamEvent): boolean {
  return event.type !== 'finish';
}

function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function malformed(reason: string, cause?: unknown): ResponseFormatError {
  return new ResponseFormatError(`${PROVIDER}: malformed ChatQnA stream frame: ${reason}`, {
    provider: PROVIDER,
    cause,
  });
}

/**
 * Whether a JSON value is an upstream error the megaservice forwarded instead of text: an OpenAI-style
 * `{"error": …}` or vLLM's `{"object": "error", "message": …}` (older ChatQnA releases passed chunks they
 * could not parse through as their raw JSON).
 */
function upstreamError(value: unknown): boolean {
  if (!isJsonObject(value) || value.choices !== undefined) return false;
  return (
    (value.error !== undefined && value.error !== null) ||
    (value.object === 'error' && typeof value.message === 'string')
  );
}

function throwUpstreamError(value: Record<string, unknown>): never {
  // vLLM's flat shape carries the status as `code`, which the shared mapping reads from the top level.
  throw openAIErrorFromBody(value, { provider: PROVIDER, fallbackMessage: 'the stream reported an error' });
}

/** Parses `text` as a JSON object when it looks like one; undefined otherwise. */
function parseObject(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Makes the mapper of one stream attempt. Frames: a bytes literal becomes a `text-delta` (empty pieces are
 * dropped); a bytes literal or bare JSON that is an upstream error object throws the mapped taxonomy error
 * (retried by the core before any content, a StreamError after); a bare OpenAI chunk (some deployments
 * pass the LLM's stream through) gives its delta text; `[DONE]` ends the stream with one `finish`.
 * Anything else is a ResponseFormatError.
 */
export function createChatQnAStreamMapper(): FrameMapper<SseEvent, ChatStreamEvent> {
  const utf8 = new TextDecoder('utf-8');
  const text = (value: string): ChatStreamEvent | undefined =>
    value === '' ? undefined : { type: 'text-delta', text: value };

  return {
    map(frame) {
      const data = frame.data.trim();
      if (data === '') return undefined;
      if (data === '[DONE]') {
        const rest = text(utf8.decode());
        const finish: ChatStreamEvent = { type: 'finish', finishReason: 'stop' };
        return rest ? [rest, finish] : finish;
      }
      if (isPythonBytesLiteral(data)) {
        let bytes: Uint8Array;
        try {
          bytes = decodePythonBytesLiteral(data);
        } catch (error) {
          throw malformed(`${(error as Error).message}: ${excerpt(data)}`, error);
        }
        // An error object arrives whole in one frame; only look when the frame starts like one.
        if (bytes[0] === 0x7b) {
          const parsed = parseObject(new TextDecoder().decode(bytes));
          if (upstreamError(parsed)) throwUpstreamError(parsed as Record<string, unknown>);
        }
        return text(utf8.decode(bytes, { stream: true }));
      }
      const parsed = parseObject(data);
      if (parsed === undefined) throw malformed(`expected b'…' or [DONE], got ${excerpt(data)}`);
      if (upstreamError(parsed)) throwUpstreamError(parsed as Record<string, unknown>);
      const choice = isJsonObject(parsed) && Array.isArray(parsed.choices) ? parsed.choices[0] : undefined;
      const delta = isJsonObject(choice) && isJsonObject(choice.delta) ? choice.delta : undefined;
      if (delta === undefined) throw malformed(`unexpected JSON frame ${excerpt(data)}`);
      return typeof delta.content === 'string' ? text(delta.content) : undefined;
    },
    isTerminal: isChatQnAStreamTerminal,
  };
}
