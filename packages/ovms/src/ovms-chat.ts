/**
 * OVMS `/v3/chat/completions`: the OpenAI-compatible mapping from `@ipfs-accelerate/openai-compatible`,
 * with OVMS's extras (`top_k`) and its stream quirk: a failure after HTTP 200 is written as a bare
 * `{"error": "…"}` line without `data:`, which the SSE decoder passes on as a `raw` event.
 */

import type {
  AttemptContext,
  ChatRequest,
  ChatStreamEvent,
  FrameMapper,
  SseEvent,
} from '@ipfs-accelerate/core';
import { isPlainObject } from '@ipfs-accelerate/core';
import {
  buildOpenAIChatBody,
  createOpenAIChatStreamMapper,
  validateChatRequest,
} from '@ipfs-accelerate/openai-compatible';
import { ovmsStreamError } from './ovms-error.js';
import { check, OVMS_PROVIDER } from './ovms-validate.js';

/** A request with its `model` filled from the client default when the caller left it empty. */
export function withDefaultModel<R extends { model?: string }>(request: R, model: string | undefined): R {
  if (!isPlainObject(request)) check.fail('the request must be an object');
  return (request.model === undefined || request.model === '') && model !== undefined
    ? { ...request, model }
    : request;
}

/**
 * Checks a chat request and builds its `/v3/chat/completions` body: OpenAI fields plus `top_k`, and for
 * streams `stream_options.include_usage` (OVMS's continuous-batching servables send the usage chunk).
 */
export function buildOvmsChatBody(
  request: ChatRequest,
  stream: boolean,
  defaultModel: string | undefined,
  streamUsage = true,
): Record<string, unknown> {
  const prepared = withDefaultModel(request, defaultModel);
  validateChatRequest(prepared, OVMS_PROVIDER);
  return buildOpenAIChatBody(prepared, { provider: OVMS_PROVIDER, stream, streamUsage, topK: true });
}

/** The bare `{"error": …}` of a raw stream line, or undefined when the line is something else. */
function rawError(frame: SseEvent): unknown {
  let value: unknown;
  try {
    value = JSON.parse(frame.data);
  } catch {
    return undefined;
  }
  return isPlainObject(value) && value.error !== undefined && value.error !== null ? value.error : undefined;
}

/**
 * The mapper of one `/v3` chat stream attempt: OVMS's bare `{"error": …}` lines throw the mapped error
 * ({@link ovmsStreamError}); every other frame goes to the OpenAI-compatible chunk mapper.
 */
export function createOvmsChatStreamMapper(context: AttemptContext): FrameMapper<SseEvent, ChatStreamEvent> {
  const inner = createOpenAIChatStreamMapper({ provider: OVMS_PROVIDER, context });
  return {
    map(frame) {
      if (frame.event === 'raw') {
        const error = rawError(frame);
        if (error !== undefined) throw ovmsStreamError(error);
      }
      return inner.map(frame);
    },
    isTerminal: inner.isTerminal,
    flush: inner.flush,
  };
}
