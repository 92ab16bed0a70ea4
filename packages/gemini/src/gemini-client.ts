/**
 * The Gemini client: the Gemini API (Generative Language API, v1beta) through the core pipeline (queue,
 * breaker, retry, tracking, multiplexing). This file only wires operations to paths, parsers and decoders.
 */
import { inspect } from 'node:util';
import {
  type BackendControl,
  backendControl,
  type ChatCapability,
  type ChatRequest,
  type ChatStreamEvent,
  type ClientOptions,
  createBackend,
  decodeSse,
  type EmbedCapability,
  type EmbedRequest,
  type EmbedResult,
  type EventStream,
  type ModelCatalogCapability,
  type RequestOptions,
  ResponseFormatError,
  resolveEndpoints,
} from '@ipfs-accelerate/core';
import { buildGeminiGenerateBody } from './gemini-chat-request.js';
import { type GeminiChatResult, parseGeminiChatResponse } from './gemini-chat-response.js';
import { createGeminiChatStreamMapper, isGeminiChatContent } from './gemini-chat-stream.js';
import {
  buildGeminiCountTokensBody,
  type GeminiTokenCount,
  parseGeminiCountTokens,
} from './gemini-count-tokens.js';
import { buildGeminiEmbedCall, parseGeminiEmbedResponse } from './gemini-embed.js';
import { geminiProtocol } from './gemini-error.js';
import { geminiModelPath } from './gemini-model-path.js';
import {
  type GeminiModelInfo,
  type GeminiModelsPage,
  modelInfoFromWire,
  parseGeminiModelsPage,
} from './gemini-models.js';
import { check } from './gemini-validate.js';

/** The Gemini API's base URL (the API version included). */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/** Options of {@link createGemini}: the common client options plus Gemini's. */
export interface GeminiOptions extends ClientOptions {
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
}

/** Options of {@link GeminiClient.listModels}: the per-call options plus the page size. */
export interface GeminiListModelsOptions extends RequestOptions {
  /** Models per page (the service's default is 50, its maximum 1000). Every page is fetched. */
  pageSize?: number;
}

/** A Gemini client: chat, streaming, embeddings, token counting and the model catalogue, plus control. */
export interface GeminiClient
  extends ChatCapability,
    EmbedCapability,
    ModelCatalogCapability,
    BackendControl {
  readonly provider: 'gemini';
  /** `POST /models/{model}:generateContent`. Operation `chat`. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<GeminiChatResult>;
  /** `POST /models/{model}:streamGenerateContent?alt=sse`: deltas, then one `finish`. Operation `stream-chat`. */
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
  /** `:embedContent` for one string, `:batchEmbedContents` for a list. Operation `embed`. */
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult>;
  /** `POST /models/{model}:countTokens` for the prompt of a chat request. Operation `count-tokens`. */
  countTokens(request: ChatRequest, options?: RequestOptions): Promise<GeminiTokenCount>;
  /** `GET /models`, every page (`nextPageToken` followed). Operation `list-models` (one record per page). */
  listModels(options?: GeminiListModelsOptions): Promise<GeminiModelInfo[]>;
  /** `GET /models/{model}`. Operation `get-model`. */
  getModel(model: string, options?: RequestOptions): Promise<GeminiModelInfo>;
}

function validateHeaders(headers: unknown): void {
  if (headers === undefined) return;
  check.object(headers, 'headers');
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') throw check.invalid(`header ${name} must be a string`);
    if (name.toLowerCase() === 'x-goog-api-key') {
      throw check.invalid('pass the key as apiKey, not in headers');
    }
  }
}

/**
 * Creates a Gemini client. The base URL comes from `baseURL`, else `GEMINI_BASE_URL`, else
 * {@link GEMINI_DEFAULT_BASE_URL}; the key from `apiKey`, else `GEMINI_API_KEY`, else `GOOGLE_API_KEY`. Without
 * a key it throws an AuthenticationError at once. The key travels in the `x-goog-api-key` header only.
 */
export function createGemini(options: GeminiOptions = {}): GeminiClient {
  if (typeof options !== 'object' || options === null) {
    throw check.invalid('createGemini options must be an object');
  }
  const { headers, baseURL, apiKey, endpoints, ...pipeline } = options;
  validateHeaders(headers);
  const configs = resolveEndpoints(
    { baseURL, apiKey, endpoints },
    {
      provider: 'gemini',
      baseURL: GEMINI_DEFAULT_BASE_URL,
      baseURLEnv: ['GEMINI_BASE_URL'],
      apiKeyEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
      requireApiKey: true,
    },
  );
  const backend = createBackend({
    ...pipeline,
    provider: 'gemini',
    endpoints: configs,
    protocol: geminiProtocol(headers),
  });

  const modelsPage = (pageSize: number | undefined, pageToken: string | undefined, opts?: RequestOptions) =>
    backend.call<GeminiModelsPage>(
      {
        operation: 'list-models',
        method: 'GET',
        path: '/models',
        query: { pageSize, pageToken },
        parse: async (response) => parseGeminiModelsPage(await response.body.json()),
      },
      opts,
    );

  const client: GeminiClient = {
    provider: 'gemini',
    ...backendControl(backend),

    async chat(request, opts) {
      const json = buildGeminiGenerateBody(request);
      return backend.call(
        {
          operation: 'chat',
          path: geminiModelPath(request.model, 'generateContent'),
          json,
          parse: async (response, ctx) => parseGeminiChatResponse(await response.body.json(), ctx),
          usage: (result) => result.usage,
        },
        opts,
      );
    },

    streamChat(request, opts) {
      const json = buildGeminiGenerateBody(request);
      return backend.stream(
        {
          operation: 'stream-chat',
          path: geminiModelPath(request.model, 'streamGenerateContent'),
          query: { alt: 'sse' },
          json,
          decode: (body) => decodeSse(body, { rawJsonLines: true }),
          mapper: (ctx) => createGeminiChatStreamMapper(ctx),
          isContent: isGeminiChatContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        opts,
      );
    },

    async embed(request, opts) {
      const call = buildGeminiEmbedCall(request);
      return backend.call(
        {
          operation: 'embed',
          path: call.path,
          json: call.json,
          parse: async (response, ctx) =>
            parseGeminiEmbedResponse(await response.body.json(), call, request, ctx),
        },
        opts,
      );
    },

    async countTokens(request, opts) {
      const json = buildGeminiCountTokensBody(request);
      return backend.call(
        {
          operation: 'count-tokens',
          path: geminiModelPath(request.model, 'countTokens'),
          json,
          parse: async (response, ctx) => parseGeminiCountTokens(await response.body.json(), ctx),
        },
        opts,
      );
    },

    async listModels(opts) {
      const { pageSize, ...callOptions } = opts ?? {};
      check.optionalNumber(pageSize, 'pageSize', { min: 1, integer: true });
      const models: GeminiModelInfo[] = [];
      const seen = new Set<string>();
      let token: string | undefined;
      for (let page = 0; ; page++) {
        // A caller's request id names the first page's record; later pages get their own ids.
        const pageOptions = page === 0 ? callOptions : { ...callOptions, requestId: undefined };
        const result = await modelsPage(pageSize, token, pageOptions);
        models.push(...result.models);
        token = result.nextPageToken;
        if (token === undefined) return models;
        if (seen.has(token)) throw new ResponseFormatError('gemini: the models list repeats a page token');
        seen.add(token);
      }
    },

    async getModel(model, opts) {
      const path = geminiModelPath(model);
      return backend.call(
        {
          operation: 'get-model',
          method: 'GET',
          path,
          parse: async (response) => modelInfoFromWire(await response.body.json()),
        },
        opts,
      );
    },
  };

  // What a log line or a REPL shows of the client: its endpoints, never a key.
  const describe = () => ({ provider: 'gemini', endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `GeminiClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
