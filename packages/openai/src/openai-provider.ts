/**
 * `createOpenAI`: the OpenAI client. The wire mapping is `@ipfs-accelerate/openai-compatible`; queueing,
 * retries, the breaker, multiplexed keys and tracking are the core's. This file only says where OpenAI is,
 * how it is configured from the environment, and which headers it wants.
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
  type ModelCatalogCapability,
  readEnv,
  resolveEndpoints,
} from '@ipfs-accelerate/core';
import {
  createOpenAICompatibleOperations,
  openAICompatibleProtocol,
} from '@ipfs-accelerate/openai-compatible';

/** The public API's base URL, used when neither `baseURL` nor `OPENAI_BASE_URL` is set. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Options of {@link createOpenAI}; every core client option (endpoints, queue, retry, …) applies too. */
export interface OpenAIOptions extends ClientOptions {
  /** The API key. @default process.env.OPENAI_API_KEY */
  apiKey?: string;
  /** @default process.env.OPENAI_BASE_URL, else 'https://api.openai.com/v1' */
  baseURL?: string;
  /** Sent as `OpenAI-Organization`. @default process.env.OPENAI_ORG_ID ?? process.env.OPENAI_ORGANIZATION */
  organization?: string;
  /** Sent as `OpenAI-Project`. @default process.env.OPENAI_PROJECT_ID */
  project?: string;
  /** Headers sent with every request. Not for keys: use `apiKey`, which is kept secret. */
  headers?: Record<string, string>;
}

/** The OpenAI client: chat, streaming chat, embeddings, the model list, and the backend's control surface. */
export interface OpenAIClient
  extends ChatCapability,
    EmbedCapability,
    ModelCatalogCapability,
    BackendControl {
  readonly provider: 'openai';
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidRequestError(`openai: ${name} must be a non-empty string`, { provider: 'openai' });
  }
  return value;
}

/**
 * Creates an OpenAI client. The key comes from `apiKey` or `OPENAI_API_KEY` and is required: without one
 * this throws AuthenticationError at once, before any network call. Chat sends `max_completion_tokens`
 * (what current models take) and embeddings travel as base64, as in the official SDK.
 *
 * @example
 * ```ts
 * const openai = createOpenAI({ retry: { maxRetries: 3 } });
 * const { text } = await openai.chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function createOpenAI(options: OpenAIOptions = {}): OpenAIClient {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError('openai: options must be an object', { provider: 'openai' });
  }
  const {
    apiKey,
    baseURL,
    endpoints: _endpoints,
    organization,
    project,
    headers,
    ...backendOptions
  } = options;
  const endpoints = resolveEndpoints(options, {
    provider: 'openai',
    baseURL: OPENAI_DEFAULT_BASE_URL,
    baseURLEnv: ['OPENAI_BASE_URL'],
    apiKeyEnv: ['OPENAI_API_KEY'],
    requireApiKey: true,
  });
  const org = optionalString('organization', organization) ?? readEnv('OPENAI_ORG_ID', 'OPENAI_ORGANIZATION');
  const proj = optionalString('project', project) ?? readEnv('OPENAI_PROJECT_ID');
  const protocolHeaders: Record<string, string> = { ...headers };
  if (org !== undefined) protocolHeaders['OpenAI-Organization'] = org;
  if (proj !== undefined) protocolHeaders['OpenAI-Project'] = proj;

  const backend = createBackend({
    ...backendOptions,
    provider: 'openai',
    endpoints,
    protocol: openAICompatibleProtocol({ provider: 'openai', headers: protocolHeaders }),
  });
  const operations = createOpenAICompatibleOperations(backend, {
    provider: 'openai',
    maxTokensField: 'max_completion_tokens',
    embeddingEncoding: 'base64',
  });
  const client: OpenAIClient = {
    provider: 'openai',
    chat: operations.chat,
    streamChat: operations.streamChat,
    embed: operations.embed,
    listModels: operations.listModels,
    ...backendControl(backend),
  };
  // Printing or serialising the client shows its endpoints, never a key.
  const describe = () => ({ provider: 'openai', endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `OpenAIClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
