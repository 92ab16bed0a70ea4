/**
 * `createGroq`: the Groq client. The wire mapping is `@ipfs-accelerate/openai-compatible` with Groq's hooks;
 * queueing, retries, the breaker, multiplexed keys, rate-limit headers and tracking are the core's. This
 * file says where Groq is, how it is configured from the environment, and wires the operations.
 */
import { inspect } from 'node:util';
import {
  type BackendControl,
  backendControl,
  type ChatCapability,
  type ChatRequest,
  type ClientOptions,
  createBackend,
  decodeSse,
  type EmbedCapability,
  type EventStream,
  InvalidRequestError,
  type ModelCatalogCapability,
  type RequestOptions,
  resolveEndpoints,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { createOpenAICompatibleOperations, isOpenAIChatContent } from '@ipfs-accelerate/openai-compatible';
import { buildGroqChatBody, type GroqChatResult, parseGroqChatResponse } from './groq-chat.js';
import { createGroqChatStreamMapper, type GroqChatStreamEvent } from './groq-chat-stream.js';
import { GROQ_PROVIDER, groqProtocol } from './groq-error.js';
import { GROQ_HOOKS } from './groq-extensions.js';
import { checkServiceTier, type GroqServiceTier } from './groq-request-options.js';

/** The public API's base URL, used when neither `baseURL` nor `GROQ_BASE_URL` is set. */
export const GROQ_DEFAULT_BASE_URL = 'https://api.groq.com/openai/v1';

const CHAT_PATH = '/chat/completions';

/** Options of {@link createGroq}; every core client option (endpoints, queue, retry, …) applies too. */
export interface GroqOptions extends ClientOptions {
  /** The API key (`gsk_…`). @default process.env.GROQ_API_KEY */
  apiKey?: string;
  /** @default process.env.GROQ_BASE_URL, else 'https://api.groq.com/openai/v1' */
  baseURL?: string;
  /**
   * The processing tier sent as `service_tier` with every chat request (a request's `providerOptions`
   * win). With `'flex'`, a full tier answers 498, which this client retries as an overload.
   */
  serviceTier?: GroqServiceTier;
  /** Headers sent with every request. Not for keys: use `apiKey`, which is kept secret. */
  headers?: Record<string, string>;
}

/** The Groq client: chat, streaming chat, embeddings, the model list, and the backend's control surface. */
export interface GroqClient extends ChatCapability, EmbedCapability, ModelCatalogCapability, BackendControl {
  readonly provider: 'groq';
  /** A chat completion, with Groq's `timings` and a reasoning model's `reasoning`. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<GroqChatResult>;
  /** A streamed chat completion; the `finish` event carries usage and Groq's `timings`. */
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<GroqChatStreamEvent>;
}

function checkHeaders(headers: unknown): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const valid =
    typeof headers === 'object' &&
    headers !== null &&
    !Array.isArray(headers) &&
    Object.values(headers).every((value) => typeof value === 'string');
  if (!valid) {
    throw new InvalidRequestError('groq: headers must be an object of strings', { provider: GROQ_PROVIDER });
  }
  return { ...(headers as Record<string, string>) };
}

/**
 * Creates a Groq client. The key comes from `apiKey` or `GROQ_API_KEY` and is required: without one this
 * throws AuthenticationError at once, before any network call.
 *
 * @example
 * ```ts
 * const groq = createGroq({ retry: { maxRetries: 3 } });
 * const { text, timings } = await groq.chat({
 *   model: 'llama-3.1-8b-instant',
 *   messages: [{ role: 'user', content: 'Hi' }],
 * });
 * ```
 */
export function createGroq(options: GroqOptions = {}): GroqClient {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError('groq: options must be an object', { provider: GROQ_PROVIDER });
  }
  const { apiKey, baseURL, endpoints: _endpoints, serviceTier, headers, ...backendOptions } = options;
  const settings = { serviceTier: checkServiceTier(serviceTier) };
  const protocolHeaders = checkHeaders(headers);
  const endpoints = resolveEndpoints(options, {
    provider: GROQ_PROVIDER,
    baseURL: GROQ_DEFAULT_BASE_URL,
    baseURLEnv: ['GROQ_BASE_URL'],
    apiKeyEnv: ['GROQ_API_KEY'],
    requireApiKey: true,
  });
  const backend = createBackend({
    ...backendOptions,
    provider: GROQ_PROVIDER,
    endpoints,
    protocol: groqProtocol(protocolHeaders),
  });
  // Embeddings and the model list are plain OpenAI shapes; chat is wired below for Groq's extras.
  const shared = createOpenAICompatibleOperations(backend, { provider: GROQ_PROVIDER, hooks: GROQ_HOOKS });

  const client: GroqClient = {
    provider: GROQ_PROVIDER,
    async chat(request, requestOptions) {
      const json = buildGroqChatBody(request, false, settings);
      return backend.call<GroqChatResult>(
        {
          operation: 'chat',
          path: CHAT_PATH,
          json,
          parse: async (response, ctx) => parseGroqChatResponse(await response.body.json(), ctx),
          usage: (result) => result.usage,
        },
        requestOptions,
      );
    },
    streamChat(request, requestOptions) {
      const json = buildGroqChatBody(request, true, settings);
      return backend.stream<SseEvent, GroqChatStreamEvent>(
        {
          operation: 'stream-chat',
          path: CHAT_PATH,
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body),
          mapper: (ctx) => createGroqChatStreamMapper(ctx),
          isContent: isOpenAIChatContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        requestOptions,
      );
    },
    embed: shared.embed,
    listModels: shared.listModels,
    ...backendControl(backend),
  };
  // Printing or serialising the client shows its endpoints, never a key.
  const describe = () => ({ provider: GROQ_PROVIDER, endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `GroqClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
