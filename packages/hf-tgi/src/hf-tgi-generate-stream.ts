/**
 * `POST /generate_stream`: data-only SSE, one `StreamResponse` per token; the last one carries
 * `generated_text` (and `details` with the token counts when asked for). There is no `[DONE]` (the hosted
 * API may add one; it is ignored). An `{"error", "error_type"}` event is an in-band failure.
 */
import type { FinishReason, FrameMapper, SseEvent, TokenUsage } from '@ipfs-accelerate/core';
import { type HfTgiFinishReason, type HfTgiToken, isJsonObject } from './hf-tgi-api-types.js';
import { hfTgiStreamError } from './hf-tgi-error.js';
import { mapHfTgiFinishReason } from './hf-tgi-generate.js';
import { formatError, readFinishReason, readToken } from './hf-tgi-json.js';

/**
 * Events of {@link HfTgiClient.streamGenerate}: a `text-delta` per non-special token (special tokens such as
 * `</s>` are not text), then exactly one `finish` with the full text and, when details were on (the default),
 * TGI's finish reason and the token usage.
 */
export type HfTgiGenerateStreamEvent =
  | { type: 'text-delta'; text: string; token: HfTgiToken; topTokens?: HfTgiToken[] }
  | {
      type: 'finish';
      finishReason: FinishReason;
      tgiFinishReason?: HfTgiFinishReason;
      /** `generated_text`: the whole output (with the prompt when `returnFullText`). */
      generatedText: string;
      usage?: TokenUsage;
      seed?: number;
    };

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    throw formatError(`a stream event is not JSON: ${data.slice(0, 80)}`);
  }
}

/** A token count of the final event; anything but a finite non-negative number counts as 0. */
function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function finishOf(event: Record<string, unknown>, generatedText: string): HfTgiGenerateStreamEvent {
  const finish: Extract<HfTgiGenerateStreamEvent, { type: 'finish' }> = {
    type: 'finish',
    finishReason: 'other',
    generatedText,
  };
  const { details } = event;
  if (isJsonObject(details)) {
    const reason = readFinishReason(details.finish_reason);
    finish.tgiFinishReason = reason;
    finish.finishReason = mapHfTgiFinishReason(reason);
    const input = tokenCount(details.input_length);
    const output = tokenCount(details.generated_tokens);
    finish.usage = { inputTokens: input, outputTokens: output, totalTokens: input + output };
    if (typeof details.seed === 'number') finish.seed = details.seed;
  }
  return finish;
}

/** A fresh mapper for one attempt of a generate stream. */
export function createHfTgiGenerateStreamMapper(): FrameMapper<SseEvent, HfTgiGenerateStreamEvent> {
  let ended = false;
  return {
    map(frame) {
      if (frame.data === '[DONE]' || frame.data === '') return undefined;
      const event = parse(frame.data);
      if (!isJsonObject(event)) throw formatError('a stream event is not an object');
      if (event.error !== undefined) throw hfTgiStreamError(event);
      const events: HfTgiGenerateStreamEvent[] = [];
      if (event.token !== undefined && event.token !== null) {
        const token = readToken(event.token);
        if (!token.special && token.text !== '') {
          const delta: HfTgiGenerateStreamEvent = { type: 'text-delta', text: token.text, token };
          if (Array.isArray(event.top_tokens)) delta.topTokens = event.top_tokens.map(readToken);
          events.push(delta);
        }
      }
      if (typeof event.generated_text === 'string') {
        ended = true;
        events.push(finishOf(event, event.generated_text));
      }
      return events.length === 0 ? undefined : events;
    },
    // The core asks right after `map` of the same frame.
    isTerminal: () => ended,
  };
}

/** Whether an event is output (commits the stream: no retry after it). */
export function isHfTgiGenerateContent(event: HfTgiGenerateStreamEvent): boolean {
  return event.type === 'text-delta';
}
