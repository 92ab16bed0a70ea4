/**
 * `createOpea`: the OPEA client. ChatQnA and the GenAIComps microservices are FastAPI services; the
 * OpenAI-compatible chat mapping is `@ipfs-accelerate/openai-compatible`'s, and queueing, retries, the
 * breaker, multiplexing and tracking are the core's. This file says where OPEA is and which paths it has.
 */
import { inspect } from 'node:util';
import {
  type BackendControl,
  backendControl,
  type ChatCapability,
  type ClientOptions,
  createBackend,
  type EmbedCapability,
  InvalidRequestError,
  type RequestOptions,
  type RerankCapability,
  ResponseFormatError,
  readEnv,
  resolveEndpoints,
} from '@ipfs-accelerate/core';
import {
  createOpenAICompatibleOperations,
  isJsonObject,
  openAICompatibleProtocol,
} from '@ipfs-accelerate/openai-compatible';
import { normalizeOpeaBaseURL, resolveOpeaBaseURL } from './opea-base-url.js';
import { type ChatQnAOperations, createChatQnAOperations } from './opea-chatqna.js';
import { parseOpeaError } from './opea-error.js';
import { createOpeaMicroserviceOperations, type OpeaMicroserviceOperations } from './opea-microservices.js';

/** Request paths, appended to the base URL. */
export interface OpeaPaths {
  /** @default '/v1/chatqna' */
  chatqna?: string;
  /** The LLM microservice. @default '/v1/chat/completions' */
  chat?: string;
  /** @default '/v1/embeddings' */
  embeddings?: string;
  /** @default '/v1/retrieval' */
  retrieval?: string;
  /** @default '/v1/reranking' */
  reranking?: string;
  /** @default '/v1/health_check' */
  health?: string;
}

/** The paths used when `paths` leaves them out. */
export const OPEA_DEFAULT_PATHS: Readonly<Required<OpeaPaths>> = Object.freeze({
  chatqna: '/v1/chatqna',
  chat: '/v1/chat/completions',
  embeddings: '/v1/embeddings',
  retrieval: '/v1/retrieval',
  reranking: '/v1/reranking',
  health: '/v1/health_check',
});

/** Options of {@link createOpea}; every core client option (endpoints, queue, retry, …) applies too. */
export interface OpeaOptions extends ClientOptions {
  /**
   * The service's base URL (a trailing `/v1` is dropped).
   * @default process.env.OPEA_API_ENDPOINT ?? process.env.OPEA_API_URL ?? 'http://localhost:8888'
   */
  baseURL?: string;
  /** Sent as `Authorization: Bearer …` when set (OPEA has no auth of its own; a gateway may). @default process.env.OPEA_API_KEY */
  apiKey?: string;
  /** The model `chat` and `streamChat` use when a request leaves `model` empty. @default process.env.OPEA_MODEL */
  model?: string;
  paths?: OpeaPaths;
  /** Headers sent with every request. Not for keys: use `apiKey`, which is kept secret. */
  headers?: Record<string, string>;
}

/** What `GET /v1/health_check` says about a service. */
export interface OpeaHealth {
  serviceTitle: string;
  version?: string;
  description?: string;
}

/**
 * The OPEA client: ChatQnA (`chatQnA`, `streamChatQnA`), the LLM microservice's chat completions (`chat`,
 * `streamChat`), embeddings, retrieval, reranking, the health check and the backend's control surface.
 */
export interface OpeaClient
  extends ChatQnAOperations,
    ChatCapability,
    EmbedCapability,
    RerankCapability,
    Pick<OpeaMicroserviceOperations, 'retrieve'>,
    BackendControl {
  readonly provider: 'opea';
  /** `GET /v1/health_check`: the service's title and version. */
  healthCheck(options?: RequestOptions): Promise<OpeaHealth>;
}

function checkPaths(paths: unknown): OpeaPaths {
  if (paths === undefined) return {};
  if (!isJsonObject(paths))
    throw new InvalidRequestError('opea: paths must be an object', { provider: 'opea' });
  for (const [name, value] of Object.entries(paths)) {
    if (!(name in OPEA_DEFAULT_PATHS) || typeof value !== 'string' || !value.startsWith('/')) {
      throw new InvalidRequestError(`opea: paths.${name} must be a known path starting with /`, {
        provider: 'opea',
      });
    }
  }
  return paths as OpeaPaths;
}

function parseHealth(body: unknown): OpeaHealth {
  if (!isJsonObject(body) || typeof body['Service Title'] !== 'string') {
    throw new ResponseFormatError('opea: malformed health_check response', { provider: 'opea' });
  }
  const health: OpeaHealth = { serviceTitle: body['Service Title'] };
  if (typeof body.Version === 'string') health.version = body.Version;
  if (typeof body['Service Description'] === 'string') health.description = body['Service Description'];
  return health;
}

/**
 * Creates an OPEA client for one host: the ChatQnA megaservice by default, or one GenAIComps microservice
 * (see `opeaServiceURL` for their default ports); `endpoints` spreads load over several hosts of the same
 * kind. No key is required; one given (or `OPEA_API_KEY`) is sent as a bearer token.
 *
 * @example
 * ```ts
 * const opea = createOpea({ retry: { maxRetries: 3 } });
 * const { text } = await opea.chatQnA({ messages: 'What is OPEA?' });
 * for await (const e of opea.streamChatQnA({ messages: 'What is OPEA?' })) if (e.type === 'text-delta') process.stdout.write(e.text);
 * ```
 */
export function createOpea(options: OpeaOptions = {}): OpeaClient {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError('opea: options must be an object', { provider: 'opea' });
  }
  const {
    apiKey: _apiKey,
    baseURL,
    endpoints: _endpoints,
    model,
    paths,
    headers,
    ...backendOptions
  } = options;
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) {
    throw new InvalidRequestError('opea: model must be a non-empty string', { provider: 'opea' });
  }
  const routes = { ...OPEA_DEFAULT_PATHS, ...checkPaths(paths) };
  const endpoints = resolveEndpoints(
    { ...options, baseURL: resolveOpeaBaseURL(baseURL) },
    { provider: 'opea', baseURL: resolveOpeaBaseURL(undefined), apiKeyEnv: ['OPEA_API_KEY'] },
  ).map((endpoint) => ({ ...endpoint, baseURL: normalizeOpeaBaseURL(endpoint.baseURL) }));

  const backend = createBackend({
    ...backendOptions,
    provider: 'opea',
    endpoints,
    protocol: openAICompatibleProtocol({ provider: 'opea', headers, parseError: parseOpeaError }),
  });
  const llm = createOpenAICompatibleOperations(backend, {
    provider: 'opea',
    paths: { chat: routes.chat, embeddings: routes.embeddings },
    defaultModel: model ?? readEnv('OPEA_MODEL'),
    topK: true,
  });
  const chatqna = createChatQnAOperations(backend, routes.chatqna);
  const micro = createOpeaMicroserviceOperations(backend, routes);
  const client: OpeaClient = {
    provider: 'opea',
    chatQnA: chatqna.chatQnA,
    streamChatQnA: chatqna.streamChatQnA,
    chat: llm.chat,
    streamChat: llm.streamChat,
    embed: micro.embed,
    retrieve: micro.retrieve,
    rerank: micro.rerank,
    healthCheck: (requestOptions) =>
      backend.call<OpeaHealth>(
        {
          operation: 'health-check',
          method: 'GET',
          path: routes.health,
          parse: async (response) => parseHealth(await response.body.json()),
        },
        requestOptions,
      ),
    ...backendControl(backend),
  };
  // Printing or serialising the client shows its endpoints, never a key.
  const describe = () => ({ provider: 'opea', endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `OpeaClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
