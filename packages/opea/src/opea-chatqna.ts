/** The ChatQnA megaservice operations (`POST /v1/chatqna`), JSON and streamed, run through a core Backend. */
import {
  type Backend,
  type ChatResult,
  type ChatStreamEvent,
  decodeSse,
  type EventStream,
  type RequestOptions,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { parseOpenAIChatResponse } from '@ipfs-accelerate/openai-compatible';
import { buildChatQnABody, type ChatQnARequest, validateChatQnARequest } from './opea-chatqna-request.js';
import { createChatQnAStreamMapper, isChatQnAContent } from './opea-chatqna-stream.js';

/** ChatQnA, one-shot and streamed. */
export interface ChatQnAOperations {
  chatQnA(request: ChatQnARequest, options?: RequestOptions): Promise<ChatResult>;
  streamChatQnA(request: ChatQnARequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
}

/** ChatQnA reports `usage` as all zeros (it counts nothing); zeros are dropped rather than passed on. */
function realUsage(usage: ChatResult['usage']): ChatResult['usage'] {
  if (!usage) return undefined;
  const counted = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0) + (usage.totalTokens ?? 0);
  return counted > 0 ? usage : undefined;
}

/**
 * Builds the ChatQnA operations on `backend`, posting to `path`. Both validate before anything is queued,
 * run as operations `chatqna` and `stream-chatqna`, and return our `requestId`.
 */
export function createChatQnAOperations(backend: Backend, path: string): ChatQnAOperations {
  return {
    async chatQnA(request, options) {
      validateChatQnARequest(request);
      const json = buildChatQnABody(request, false);
      return backend.call<ChatResult>(
        {
          operation: 'chatqna',
          path,
          json,
          parse: async (response, ctx) => {
            const parsed = parseOpenAIChatResponse(await response.body.json(), { provider: 'opea' });
            const result: ChatResult = {
              text: parsed.text,
              toolCalls: parsed.toolCalls,
              finishReason: parsed.finishReason,
              requestId: ctx.requestId,
            };
            const usage = realUsage(parsed.usage);
            if (usage) result.usage = usage;
            if (parsed.model !== undefined) result.model = parsed.model;
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
          usage: (result) => result.usage,
        },
        options,
      );
    },

    streamChatQnA(request, options) {
      validateChatQnARequest(request);
      const json = buildChatQnABody(request, true);
      return backend.stream<SseEvent, ChatStreamEvent>(
        {
          operation: 'stream-chatqna',
          path,
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body),
          mapper: () => createChatQnAStreamMapper(),
          isContent: isChatQnAContent,
        },
        options,
      );
    },
  };
}
