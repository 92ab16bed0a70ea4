/**
 * The Claude client: Anthropic's Messages API (`/v1/messages`, streamed or not), token counting and the model
 * catalogue through the core pipeline (queue, breaker, retry, tracking, multiplexed keys). This file wires
 * operations to paths, body builders, parsers and the stream mapper; it holds no resilience logic.
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
  type EventStream,
  isPlainObject,
  type ModelCatalogCapability,
  type RequestOptions,
  ResponseFormatError,
  readEnv,
  resolveEndpoints,
  type SseEvent,
} from '@ipfs-accelerate/core';
import { buildClaudeCountTokensBody, buildClaudeMessagesBody } from './claude-messages-request.js';
import { type ClaudeChatResult, parseClaudeMessage } from './claude-messages-response.js';
import {
  type ClaudeModelInfo,
  type ClaudeModelPage,
  type ClaudeModelPageParams,
  listAllModels,
  modelPageQuery,
  parseClaudeModel,
  parseClaudeModelPage,
} from './claude-models.js';
import { claudeProtocol } from './claude-protocol.js';
import { createClaudeStreamMapper, isClaudeChatContent } from './claude-stream.js';
import { check, PROVIDER } from './claude-validate.js';

/** The public API's base URL (request paths start with `/v1`). */
export const CLAUDE_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/** Environment variables read for the key, in order: the official one, then the seed's two. */
export const CLAUDE_API_KEY_ENV: readonly string[] = ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY', 'ANTHROPIC_KEY'];

/** Options of {@link createClaude}; every core client option (endpoints, queue, retry, …) applies too. */
export interface ClaudeOptions extends ClientOptions {
  /** The API key, sent as `x-api-key`. @default ANTHROPIC_API_KEY, else CLAUDE_API_KEY, else ANTHROPIC_KEY */
  apiKey?: string;
  /**
   * @default ANTHROPIC_BASE_URL, else 'https://api.anthropic.com'. A trailing `/v1` (the seed's form) is
   * dropped, since request paths carry it.
   */
  baseURL?: string;
  /** Beta features, sent as `anthropic-beta: a,b`. */
  betas?: string[];
  /** The `anthropic-version` header. @default '2023-06-01' */
  anthropicVersion?: string;
  /** `max_tokens` when a request gives none (Anthropic requires it). @default 1024 */
  defaultMaxTokens?: number;
  /** Headers sent with every request. Not for keys: use `apiKey`, which is kept secret. */
  headers?: Record<string, string>;
}

/** What {@link ClaudeClient.countTokens} returns. */
export interface ClaudeTokenCount {
  /** Tokens the prompt (system, messages, tools) would take. */
  inputTokens: number;
  requestId: string;
  providerRequestId?: string;
}

/** A Claude client: chat, streaming chat, token counting, the model catalogue, stats and endpoint control. */
export interface ClaudeClient extends ChatCapability, ModelCatalogCapability, BackendControl {
  readonly provider: 'claude';
  /** `POST /v1/messages`. Operation `chat`. */
  chat(request: ChatRequest, options?: RequestOptions): Promise<ClaudeChatResult>;
  /** `POST /v1/messages` with `stream: true`: deltas, then one `finish` with usage. Operation `stream-chat`. */
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
  /** `POST /v1/messages/count_tokens` (`maxTokens` and sampling fields are ignored). Operation `count-tokens`. */
  countTokens(request: ChatRequest, options?: RequestOptions): Promise<ClaudeTokenCount>;
  /** Every model: `GET /v1/models`, one pipeline call per page (`after_id`). Operation `list-models`. */
  listModels(options?: RequestOptions): Promise<ClaudeModelInfo[]>;
  /** One page of `GET /v1/models`. Operation `list-models`. */
  listModelsPage(params?: ClaudeModelPageParams, options?: RequestOptions): Promise<ClaudeModelPage>;
  /** `GET /v1/models/{id}`. Operation `get-model`. */
  getModel(id: string, options?: RequestOptions): Promise<ClaudeModelInfo>;
}

/** Drops trailing slashes and one trailing `/v1`: paths start with `/v1` already. */
function withoutVersionSuffix(baseURL: string | undefined): string | undefined {
  return baseURL?.replace(/\/+$/, '').replace(/\/v1$/, '');
}

function validateOptions(options: ClaudeOptions): void {
  const { betas, headers, anthropicVersion, defaultMaxTokens } = options;
  if (betas !== undefined) {
    if (!Array.isArray(betas)) throw check.invalid('betas must be an array of strings');
    for (const beta of betas) check.name(beta, 'betas[]');
  }
  if (headers !== undefined) {
    if (!isPlainObject(headers)) throw check.invalid('headers must be an object');
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') throw check.invalid(`header ${name} must be a string`);
    }
  }
  if (anthropicVersion !== undefined) check.name(anthropicVersion, 'anthropicVersion');
  check.optionalNumber(defaultMaxTokens, 'defaultMaxTokens', { min: 1, integer: true });
}

/**
 * Creates a Claude client. The key comes from `apiKey`, else `ANTHROPIC_API_KEY`, else the seed's
 * `CLAUDE_API_KEY` / `ANTHROPIC_KEY`, and is required: without one this throws AuthenticationError at once,
 * before any network call (there is no placeholder key and no canned reply).
 *
 * @example
 * ```ts
 * const claude = createClaude({ retry: { maxRetries: 3 } });
 * const { text } = await claude.chat({
 *   model: 'claude-3-5-haiku-latest',
 *   messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
 * });
 * ```
 */
export function createClaude(options: ClaudeOptions = {}): ClaudeClient {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw check.invalid('createClaude options must be an object');
  }
  validateOptions(options);
  const { apiKey, baseURL, endpoints, betas, anthropicVersion, defaultMaxTokens, headers, ...pipeline } =
    options;
  const configs = resolveEndpoints(
    {
      apiKey,
      baseURL: withoutVersionSuffix(baseURL ?? readEnv('ANTHROPIC_BASE_URL')),
      endpoints: endpoints?.map((e) =>
        e.baseURL === undefined ? e : { ...e, baseURL: withoutVersionSuffix(e.baseURL) },
      ),
    },
    {
      provider: PROVIDER,
      baseURL: CLAUDE_DEFAULT_BASE_URL,
      apiKeyEnv: [...CLAUDE_API_KEY_ENV],
      requireApiKey: true,
    },
  );
  const backend = createBackend({
    ...pipeline,
    provider: PROVIDER,
    endpoints: configs,
    protocol: claudeProtocol({ version: anthropicVersion, betas, headers }),
  });
  const bodyOptions = { defaultMaxTokens };

  const client: ClaudeClient = {
    provider: 'claude',
    ...backendControl(backend),

    async chat(request, opts) {
      const json = buildClaudeMessagesBody(request, { ...bodyOptions, stream: false });
      return backend.call(
        {
          operation: 'chat',
          path: '/v1/messages',
          json,
          parse: async (response, ctx) => parseClaudeMessage(await response.body.json(), ctx),
          usage: (result) => result.usage,
        },
        opts,
      );
    },

    streamChat(request, opts) {
      const json = buildClaudeMessagesBody(request, { ...bodyOptions, stream: true });
      return backend.stream<SseEvent, ChatStreamEvent>(
        {
          operation: 'stream-chat',
          path: '/v1/messages',
          json,
          headers: { accept: 'text/event-stream' },
          decode: (body) => decodeSse(body),
          mapper: () => createClaudeStreamMapper(),
          isContent: isClaudeChatContent,
          usage: (event) => (event.type === 'finish' ? event.usage : undefined),
        },
        opts,
      );
    },

    async countTokens(request, opts) {
      // No ledger usage: counting consumes no tokens, and stats sum usage as consumption.
      const json = buildClaudeCountTokensBody(request);
      return backend.call(
        {
          operation: 'count-tokens',
          path: '/v1/messages/count_tokens',
          json,
          parse: async (response, ctx) => {
            const body = await response.body.json();
            const inputTokens = isPlainObject(body) ? body.input_tokens : undefined;
            if (typeof inputTokens !== 'number' || !(inputTokens >= 0)) {
              throw new ResponseFormatError('claude: count_tokens answered without input_tokens', {
                provider: PROVIDER,
              });
            }
            const result: ClaudeTokenCount = { inputTokens, requestId: ctx.requestId };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        opts,
      );
    },

    listModelsPage(params, opts) {
      let query: Record<string, string | number>;
      try {
        query = modelPageQuery(params);
      } catch (error) {
        return Promise.reject(error);
      }
      return backend.call(
        {
          operation: 'list-models',
          method: 'GET',
          path: '/v1/models',
          query,
          parse: async (response) => parseClaudeModelPage(await response.body.json()),
        },
        opts,
      );
    },

    listModels(opts) {
      return listAllModels(
        (params, pageOpts) => client.listModelsPage(params, pageOpts),
        opts,
        backend.clock,
      );
    },

    async getModel(id, opts) {
      check.name(id, 'model id');
      return backend.call(
        {
          operation: 'get-model',
          method: 'GET',
          path: `/v1/models/${encodeURIComponent(id)}`,
          parse: async (response) => parseClaudeModel(await response.body.json()),
        },
        opts,
      );
    },
  };

  // What a log line or a REPL shows of the client: its endpoints, never a key.
  const describe = () => ({ provider: PROVIDER, endpoints: backend.endpoints() });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `ClaudeClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
