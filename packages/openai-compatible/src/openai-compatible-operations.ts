/**
 * Chat, streaming chat, embeddings and the model list of any OpenAI-compatible service, run through a core
 * Backend. Written once; the OpenAI, Groq, OPEA, OVMS (`/v3`) and TGI (`/v1`) clients configure it.
 */
import {
  type AttemptContext,
  type Backend,
  type ChatCapability,
  type ChatRequest,
  type ChatResult,
  type ChatStreamEvent,
  decodeSse,
  type EmbedCapability,
  type EmbedRequest,
  type EmbedResult,
  type EventStream,
  type HttpResponse,
  type ModelCatalogCapability,
  type ModelInfo,
  type RequestOptions,
  type SseEvent,
  type TokenUsage,
  validateChatRequest,
  validateEmbedRequest,
} from '@ipfs-accelerate/core';
import { buildOpenAIChatBody } from './openai-chat-request.js';
import { parseOpenAIChatResponse } from './openai-chat-response.js';
import { createOpenAIChatStreamMapper, isOpenAIChatContent } from './openai-chat-stream.js';
import {
  isJsonObject,
  type JsonObject,
  type MaxTokensField,
  type OpenAICompatibleHooks,
  type OpenAICompatibleOperation,
} from './openai-compatible-api.js';
import {
  buildOpenAIEmbeddingsBody,
  type EmbeddingEncoding,
  parseOpenAIEmbeddingsResponse,
} from './openai-embeddings.js';
import { parseOpenAIModelsResponse } from './openai-models.js';

/** Paths of the operations, appended to each endpoint's base URL. */
export interface OpenAICompatiblePaths {
  /** @default '/chat/completions' */
  chat?: string;
  /** @default '/embeddings' */
  embeddings?: string;
  /** @default '/models' */
  models?: string;
}

/** Extra body fields per operation, or the same ones for all. */
export type ExtraBody =
  | JsonObject
  | ((operation: Exclude<OpenAICompatibleOperation, 'list-models'>) => JsonObject | undefined);

/** How one OpenAI-compatible service differs from the others. */
export interface OpenAICompatibleConfig {
  /** The provider's name, in errors and messages, e.g. `groq`. */
  provider: string;
  paths?: OpenAICompatiblePaths;
  /** Used when a request leaves `model` out or empty (self-hosted servers that serve one model). */
  defaultModel?: string;
  /** Like `defaultModel`, for embeddings. @default defaultModel */
  defaultEmbeddingModel?: string;
  /** The body field of `maxTokens`. @default 'max_tokens' */
  maxTokensField?: MaxTokensField;
  /** Ask streams for a final usage chunk (`stream_options.include_usage`). @default true */
  streamUsage?: boolean;
  /** The service takes `top_k`; otherwise a request with `topK` is refused. @default false */
  topK?: boolean;
  /** How embeddings are asked for. @default 'float' */
  embeddingEncoding?: EmbeddingEncoding;
  /** Fields added to chat and embedding bodies, before the caller's `providerOptions`. */
  extraBody?: ExtraBody;
  /** Request ids, usage and in-band errors carried outside the OpenAI shape (Groq's `x_groq`). */
  hooks?: OpenAICompatibleHooks;
}

/** Chat, embeddings and the model catalogue of an OpenAI-compatible service. */
export interface OpenAICompatibleOperations extends ChatCapability, EmbedCapability, ModelCatalogCapability {}

/** The paths used when a config leaves them out. */
export const DEFAULT_OPENAI_COMPATIBLE_PATHS: Readonly<Required<OpenAICompatiblePaths>> = Object.freeze({
  chat: '/chat/completions',
  embeddings: '/embeddings',
  models: '/models',
});

function usageOf(result: { usage?: TokenUsage }): TokenUsage | undefined {
  return result.usage;
}

function withDefaultModel<R extends { model: string }>(request: R, model: string | undefined): R {
  if (model === undefined || !isJsonObject(request)) return request;
  return request.model === undefined || request.model === '' ? { ...request, model } : request;
}

/**
 * Builds the operations on `backend` (made with `openAICompatibleProtocol`). Each validates its input
 * before anything is queued (InvalidRequestError), runs as operation `chat`, `stream-chat`, `embed` or
 * `list-models`, reports token usage to the ledger, and returns our `requestId` with the service's
 * `providerRequestId` (from `x-request-id`, or a body hook).
 */
export function createOpenAICompatibleOperations(
  backend: Backend,
  config: OpenAICompatibleConfig,
): OpenAICompatibleOperations {
  const { provider, hooks } = config;
  const paths = { ...DEFAULT_OPENAI_COMPATIBLE_PATHS, ...config.paths };
  const extraBody = (operation: Exclude<OpenAICompatibleOperation, 'list-models'>): JsonObject | undefined =>
    typeof config.extraBody === 'function' ? config.extraBody(operation) : config.extraBody;

  const chatBody = (request: ChatRequest, stream: boolean): JsonObject => {
    const prepared = withDefaultModel(request, config.defaultModel);
    validateChatRequest(prepared, provider);
    return buildOpenAIChatBody(prepared, {
      provider,
      stream,
      streamUsage: config.streamUsage,
      maxTokensField: config.maxTokensField,
      topK: config.topK,
      extraBody: extraBody(stream ? 'stream-chat' : 'chat'),
    });
  };

  // Made once per client, not per call: a request then allocates only its own body and spec.
  const parseChat = async (response: HttpResponse, ctx: AttemptContext): Promise<ChatResult> => {
    const parsed = parseOpenAIChatResponse(await response.body.json(), { provider, hooks });
    ctx.providerRequestId ??= parsed.providerRequestId;
    const result: ChatResult = {
      text: parsed.text,
      toolCalls: parsed.toolCalls,
      finishReason: parsed.finishReason,
      requestId: ctx.requestId,
    };
    if (parsed.usage) result.usage = parsed.usage;
    if (parsed.model !== undefined) result.model = parsed.model;
    if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
    return result;
  };

  return {
    // Not `async`: the backend's promise is returned as is (an async wrapper would add a promise and
    // three microtask turns per call); input errors still arrive as a rejection.
    chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult> {
      let json: JsonObject;
      try {
        json = chatBody(request, false);
      } catch (error) {
        return Promise.reject(error);
      }
      return backend.call<ChatResult>(
        { operation: 'chat', path: paths.chat, json, parse: parseChat, usage: usageOf },
        options,
      );
    },

    streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent> {
      const json = chatBody(request, true);
      return backend.stream<SseEvent, ChatStreamEvent>(
        {
          operation: 'stream-chat',
          path: paths.chat,
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body),
          mapper: (ctx) => createOpenAIChatStreamMapper({ provider, hooks, context: ctx }),
          isContent: isOpenAIChatContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        options,
      );
    },

    async embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult> {
      const prepared = withDefaultModel(request, config.defaultEmbeddingModel ?? config.defaultModel);
      validateEmbedRequest(prepared, provider);
      const json = buildOpenAIEmbeddingsBody(prepared, {
        encodingFormat: config.embeddingEncoding,
        extraBody: extraBody('embed'),
      });
      const expected = Array.isArray(prepared.input) ? prepared.input.length : 1;
      return backend.call<EmbedResult>(
        {
          operation: 'embed',
          path: paths.embeddings,
          json,
          parse: async (response, ctx) => {
            const parsed = parseOpenAIEmbeddingsResponse(await response.body.json(), {
              provider,
              expected,
              hooks,
            });
            ctx.providerRequestId ??= parsed.providerRequestId;
            const result: EmbedResult = { embeddings: parsed.embeddings, requestId: ctx.requestId };
            if (parsed.usage) result.usage = parsed.usage;
            if (parsed.model !== undefined) result.model = parsed.model;
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
          usage: (result) => result.usage,
        },
        options,
      );
    },

    listModels(options?: RequestOptions): Promise<ModelInfo[]> {
      return backend.call<ModelInfo[]>(
        {
          operation: 'list-models',
          method: 'GET',
          path: paths.models,
          parse: async (response) => parseOpenAIModelsResponse(await response.body.json(), provider),
        },
        options,
      );
    },
  };
}
