import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
} from '../emulator/types.js';
import { chatCompletions } from './openai-compatible-chat.js';
import { createEmbeddings } from './openai-compatible-embeddings.js';
import {
  maskApiKey,
  modelNotFound,
  openAIError,
  openAIErrorFrame,
  openAIErrorReply,
} from './openai-compatible-errors.js';
import { type ChatHooks, EMULATOR_CREATED, type OpenAIEmulatorState } from './openai-compatible-shapes.js';

/** Options of {@link startOpenAIEmulator}. */
export interface OpenAIEmulatorOptions extends ChatHooks, EmulatorOptions {
  /** Accepted bearer keys; default `['test-key']`; `[]` turns auth off. */
  readonly apiKeys?: readonly string[];
  /** Default `'/v1'` (Groq: `'/openai/v1'`, OVMS: `'/v3'`). */
  readonly pathPrefix?: string;
  /** Known models; default `['gpt-4o-mini', 'text-embedding-3-small']`. */
  readonly models?: readonly string[];
  /** Provider label, also the models' `owned_by`; default `'openai'`. */
  readonly provider?: string;
  /** Headers added to every response (after the standard ones, so they can override them). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/** A running OpenAI-compatible emulator. */
export interface OpenAIEmulator extends Emulator {
  readonly provider: string;
  readonly models: readonly string[];
}

/** Requests per minute announced in `x-ratelimit-limit-requests`. */
export const OPENAI_EMULATOR_REQUEST_LIMIT = 10_000;
/** Tokens per minute announced in `x-ratelimit-limit-tokens`. */
export const OPENAI_EMULATOR_TOKEN_LIMIT = 10_000_000;

const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  '(i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.';

/**
 * Starts an emulator of the OpenAI REST API (chat completions with streaming and tools, embeddings, models) on
 * 127.0.0.1. Replies are deterministic: the assistant says `Echo: <last user text>`; see the package README.
 */
export async function startOpenAIEmulator(options: OpenAIEmulatorOptions = {}): Promise<OpenAIEmulator> {
  const provider = options.provider ?? 'openai';
  const models = [...(options.models ?? ['gpt-4o-mini', 'text-embedding-3-small'])];
  const emulator = await startEmulator(openAIProtocol(options, provider, models), options);
  return Object.assign(emulator, { provider, models });
}

/** The {@link EmulatorDefinition} of the OpenAI-compatible protocol, for reuse by compatible providers. */
export function openAIProtocol(
  options: OpenAIEmulatorOptions,
  provider: string,
  models: readonly string[],
): EmulatorDefinition {
  const prefix = options.pathPrefix ?? '/v1';
  const apiKeys = [...(options.apiKeys ?? ['test-key'])];
  const state: OpenAIEmulatorState = { completions: 0, toolCalls: 0, tokensUsed: 0 };
  const hooks: ChatHooks = {
    decorateCompletion: options.decorateCompletion,
    decorateChunk: options.decorateChunk,
  };
  const model = (id: string): Record<string, unknown> => ({
    id,
    object: 'model',
    created: EMULATOR_CREATED,
    owned_by: provider,
  });
  return {
    name: provider,
    pathPrefix: prefix,
    routes: {
      [`POST ${prefix}/chat/completions`]: (request) => chatCompletions(request, models, state, hooks),
      [`POST ${prefix}/embeddings`]: (request) => createEmbeddings(request, models, state),
      [`GET ${prefix}/models`]: () => ({
        kind: 'json',
        status: 200,
        body: { object: 'list', data: models.map(model) },
      }),
      [`GET ${prefix}/models/:model`]: (_request, params) => {
        const id = params.model ?? '';
        return models.includes(id) ? { kind: 'json', status: 200, body: model(id) } : modelNotFound(id);
      },
    },
    authorize: (request) => authorize(request, apiKeys),
    errorReply: (spec) => openAIErrorReply(spec.status, openAIError(spec.status, spec.code, spec.message)),
    errorFrame: openAIErrorFrame,
    notFound: (request) =>
      openAIErrorReply(404, {
        message: `Invalid URL (${request.method} ${request.path})`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      }),
    responseHeaders: (request) => ({
      'x-request-id': `req_${request.index}`,
      'openai-processing-ms': String(Math.max(0, Date.now() - request.receivedAt)),
      'openai-version': '2020-10-01',
      'x-ratelimit-limit-requests': String(OPENAI_EMULATOR_REQUEST_LIMIT),
      'x-ratelimit-limit-tokens': String(OPENAI_EMULATOR_TOKEN_LIMIT),
      'x-ratelimit-remaining-requests': String(
        Math.max(0, OPENAI_EMULATOR_REQUEST_LIMIT - request.index - 1),
      ),
      'x-ratelimit-remaining-tokens': String(Math.max(0, OPENAI_EMULATOR_TOKEN_LIMIT - state.tokensUsed)),
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-reset-tokens': '6m0s',
      ...options.extraHeaders,
    }),
    malformedFrame:
      'data: {"id":"chatcmpl-malformed","object":"chat.completion.chunk","choices":[{"delta":\n\n',
    malformedBody: '{"id":"chatcmpl-malformed","object":"chat.completion","choices":[{"message":',
  };
}

/** Bearer auth like the real API: a missing key and a wrong key are both 401; the key is never echoed in full. */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S.*)$/i.exec(header.trim())?.[1] : undefined;
  if (key === undefined) {
    return openAIErrorReply(401, {
      message: MISSING_KEY_MESSAGE,
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
  }
  if (apiKeys.includes(key)) return undefined;
  const message =
    `Incorrect API key provided: ${maskApiKey(key)}. ` +
    'You can find your API key at https://platform.openai.com/account/api-keys.';
  return openAIErrorReply(401, openAIError(401, 'invalid_api_key', message));
}
