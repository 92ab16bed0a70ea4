/**
 * The Ollama client: every operation of Ollama's native API (`/api/*`) through the core pipeline (queue,
 * breaker, retry, tracking, multiplexing). This file only wires operations to paths, parsers and decoders.
 */
import { inspect } from 'node:util';
import {
  type AttemptContext,
  type BackendControl,
  backendControl,
  type ChatCapability,
  type ChatRequest,
  type ChatStreamEvent,
  type ClientOptions,
  createBackend,
  decodeNdjson,
  type EmbedCapability,
  type EmbedRequest,
  type EmbedResult,
  type EventStream,
  type FrameMapper,
  jsonCall,
  type ModelCatalogCapability,
  type ModelInfo,
  type RequestOptions,
  resolveEndpoints,
  type TokenUsage,
} from '@ipfs-accelerate/core';
import { normalizeOllamaHost, resolveOllamaBaseURL } from './ollama-base-url.js';
import { buildOllamaChatBody, type OllamaChatResult, parseOllamaChatResponse } from './ollama-chat.js';
import { createOllamaChatStreamMapper } from './ollama-chat-stream.js';
import { buildOllamaEmbedBody, parseOllamaEmbedResponse } from './ollama-embed.js';
import { ollamaProtocol } from './ollama-error.js';
import {
  buildOllamaGenerateBody,
  createOllamaGenerateStreamMapper,
  type OllamaGenerateRequest,
  type OllamaGenerateResult,
  type OllamaGenerateStreamEvent,
  parseOllamaGenerateResponse,
} from './ollama-generate.js';
import {
  modelInfoOf,
  type OllamaModelTag,
  type OllamaRunningModel,
  type OllamaShowRequest,
  type OllamaShowResult,
  parseOllamaPs,
  parseOllamaShow,
  parseOllamaTags,
  parseOllamaVersion,
} from './ollama-models.js';
import {
  buildOllamaPullBody,
  createOllamaPullMapper,
  type OllamaPullRequest,
  type PullProgress,
} from './ollama-pull.js';
import { check } from './ollama-validate.js';

/** Options of {@link createOllama}: the common client options plus Ollama's names. */
export interface OllamaOptions extends ClientOptions {
  /**
   * The server, as Ollama writes it: `http://host:11434`, `host:11434`, `0.0.0.0:11434` (-> 127.0.0.1), `:11434`.
   * The same as `baseURL`. @default `OLLAMA_HOST`, else `OLLAMA_API_URL` without `/api`, else `http://127.0.0.1:11434`
   */
  host?: string;
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
}

/** An Ollama client: chat, generate, embed, the model catalogue and pull, plus stats and endpoint control. */
export interface OllamaClient
  extends ChatCapability,
    EmbedCapability,
    ModelCatalogCapability,
    BackendControl {
  readonly provider: 'ollama';
  /** `POST /api/chat` with `stream: false`. Operation `chat`. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<OllamaChatResult>;
  /** `POST /api/chat`, streamed: deltas, then one `finish` with usage. Operation `stream-chat`. */
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
  /** `POST /api/generate` with `stream: false`. Operation `generate`. */
  generate(request: OllamaGenerateRequest, options?: RequestOptions): Promise<OllamaGenerateResult>;
  /** `POST /api/generate`, streamed. Operation `stream-generate`. */
  streamGenerate(
    request: OllamaGenerateRequest,
    options?: RequestOptions,
  ): EventStream<OllamaGenerateStreamEvent>;
  /** `POST /api/embed`. Operation `embed`. */
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult>;
  /** `GET /api/tags` as common ModelInfo (`id` = name). Operation `list-models`. */
  listModels(options?: RequestOptions): Promise<ModelInfo[]>;
  /** `GET /api/tags` with everything Ollama reports. Operation `list-models`. */
  tags(options?: RequestOptions): Promise<OllamaModelTag[]>;
  /** `POST /api/show`. Operation `show`. */
  show(request: OllamaShowRequest, options?: RequestOptions): Promise<OllamaShowResult>;
  /** `GET /api/ps`: the models loaded in memory. Operation `ps`. */
  ps(options?: RequestOptions): Promise<OllamaRunningModel[]>;
  /** `GET /api/version`: the server's version. Operation `version`. */
  version(options?: RequestOptions): Promise<string>;
  /** `POST /api/pull`: progress until `status: 'success'`. Operation `pull`. */
  pull(request: OllamaPullRequest, options?: RequestOptions): EventStream<PullProgress>;
}

/**
 * Creates an Ollama client. The base URL comes from `baseURL`/`host`, else `OLLAMA_HOST`, else the seed's
 * `OLLAMA_API_URL` (its `/api` suffix removed), else `http://127.0.0.1:11434`. The key (Ollama cloud,
 * `Authorization: Bearer`) comes from `apiKey`, else `OLLAMA_API_KEY`; a local server needs none.
 */
export function createOllama(options: OllamaOptions = {}): OllamaClient {
  if (typeof options !== 'object' || options === null) {
    throw check.invalid('createOllama options must be an object');
  }
  const { host: _host, headers, baseURL: _baseURL, apiKey, endpoints, ...pipeline } = options;
  check.optionalHeaders(headers);
  const baseURL = resolveOllamaBaseURL(options);
  const configs = resolveEndpoints(
    {
      baseURL,
      apiKey,
      endpoints: endpoints?.map((e) =>
        e.baseURL === undefined ? e : { ...e, baseURL: normalizeOllamaHost(e.baseURL) },
      ),
    },
    { provider: 'ollama', baseURL, apiKeyEnv: ['OLLAMA_API_KEY'], requireApiKey: false },
  );
  const backend = createBackend({
    ...pipeline,
    provider: 'ollama',
    endpoints: configs,
    protocol: ollamaProtocol(headers),
  });

  /** A streaming operation: NDJSON frames through a fresh mapper per attempt, usage from the finish event. */
  const streamNdjson = <E>(
    operation: string,
    path: string,
    json: Record<string, unknown>,
    mapper: () => FrameMapper<unknown, E>,
    opts: RequestOptions | undefined,
    usage?: (event: E) => TokenUsage | undefined,
  ): EventStream<E> =>
    backend.stream({ operation, path, json, decode: (body) => decodeNdjson(body), mapper, usage }, opts);

  const usage = <R extends { usage?: TokenUsage }>(result: R) => result.usage;
  const finishUsage = (event: { type: string; usage?: TokenUsage }) =>
    event.type === 'finish' ? event.usage : undefined;

  const client: OllamaClient = {
    provider: 'ollama',
    ...backendControl(backend),

    async chat(request, opts) {
      const json = buildOllamaChatBody(request, false);
      return backend.call(jsonCall('chat', '/api/chat', parseOllamaChatResponse, { json, usage }), opts);
    },

    streamChat: (request, opts) =>
      streamNdjson(
        'stream-chat',
        '/api/chat',
        buildOllamaChatBody(request, true),
        createOllamaChatStreamMapper,
        opts,
        finishUsage,
      ),

    async generate(request, opts) {
      const json = buildOllamaGenerateBody(request, false);
      return backend.call(
        jsonCall('generate', '/api/generate', parseOllamaGenerateResponse, { json, usage }),
        opts,
      );
    },

    streamGenerate: (request, opts) =>
      streamNdjson(
        'stream-generate',
        '/api/generate',
        buildOllamaGenerateBody(request, true),
        createOllamaGenerateStreamMapper,
        opts,
        finishUsage,
      ),

    async embed(request, opts) {
      const json = buildOllamaEmbedBody(request);
      const expected = typeof request.input === 'string' ? 1 : request.input.length;
      const read = (body: unknown, ctx: AttemptContext) => parseOllamaEmbedResponse(body, expected, ctx);
      return backend.call(jsonCall('embed', '/api/embed', read, { json, usage }), opts);
    },

    async listModels(opts) {
      return (await client.tags(opts)).map(modelInfoOf);
    },

    async tags(opts) {
      return backend.call(jsonCall('list-models', '/api/tags', parseOllamaTags), opts);
    },

    async show(request, opts) {
      check.object(request, 'show request');
      check.model(request.model);
      check.optionalBoolean(request.verbose, 'verbose');
      const json: Record<string, unknown> = { model: request.model };
      if (request.verbose !== undefined) json.verbose = request.verbose;
      return backend.call(jsonCall('show', '/api/show', parseOllamaShow, { json }), opts);
    },

    async ps(opts) {
      return backend.call(jsonCall('ps', '/api/ps', parseOllamaPs), opts);
    },

    async version(opts) {
      return backend.call(jsonCall('version', '/api/version', parseOllamaVersion), opts);
    },

    pull: (request, opts) =>
      streamNdjson('pull', '/api/pull', buildOllamaPullBody(request), createOllamaPullMapper, opts),
  };

  // What a log line or a REPL shows of the client: its endpoints, never a key.
  const describe = () => ({ provider: 'ollama', endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `OllamaClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
