import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
} from '../emulator/types.js';
import { anthropicErrorFrame, anthropicErrorReply, requestIdOf } from './anthropic-errors.js';
import { countTokens, createMessage } from './anthropic-messages.js';
import { getModel, listModels, rfc3339 } from './anthropic-models.js';
import { ANTHROPIC_EMULATOR_DEFAULT_MODELS, type AnthropicEmulatorState } from './anthropic-shapes.js';

/** Options of {@link startAnthropicEmulator}. */
export interface AnthropicEmulatorOptions extends EmulatorOptions {
  /** Accepted `x-api-key` values; default `['test-key']`; `[]` turns auth off. */
  readonly apiKeys?: readonly string[];
  /** Known models, newest first; default {@link ANTHROPIC_EMULATOR_DEFAULT_MODELS}. */
  readonly models?: readonly string[];
  /** Headers added to every response (after the standard ones, so they can override them). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

/** A running Anthropic emulator. */
export interface AnthropicEmulator extends Emulator {
  readonly models: readonly string[];
}

/** Requests per minute announced in `anthropic-ratelimit-requests-limit`. */
export const ANTHROPIC_EMULATOR_REQUEST_LIMIT = 4000;
/** Tokens per minute announced in `anthropic-ratelimit-tokens-limit` (input and output limits: half each). */
export const ANTHROPIC_EMULATOR_TOKEN_LIMIT = 800_000;

/**
 * Starts an emulator of Anthropic's API (Messages with streaming, tools and thinking, count_tokens, models) on
 * 127.0.0.1. There is no path prefix: `baseURL` is the origin, as the official SDK expects, and routes start
 * with `/v1`. Replies are deterministic: the assistant says `Echo: <last user text>`.
 */
export async function startAnthropicEmulator(
  options: AnthropicEmulatorOptions = {},
): Promise<AnthropicEmulator> {
  const models = [...(options.models ?? ANTHROPIC_EMULATOR_DEFAULT_MODELS)];
  const emulator = await startEmulator(anthropicProtocol(options, models), options);
  return Object.assign(emulator, { models });
}

/** The {@link EmulatorDefinition} of Anthropic's API. */
export function anthropicProtocol(
  options: AnthropicEmulatorOptions,
  models: readonly string[],
): EmulatorDefinition {
  const apiKeys = [...(options.apiKeys ?? ['test-key'])];
  const state: AnthropicEmulatorState = { messages: 0, toolUses: 0, tokensUsed: 0 };
  return {
    name: 'anthropic',
    pathPrefix: '',
    routes: {
      'POST /v1/messages': (request) => createMessage(request, models, state),
      'POST /v1/messages/count_tokens': (request) => countTokens(request, models),
      'GET /v1/models': (request) => listModels(request, models),
      'GET /v1/models/:model_id': (request, params) => getModel(request, models, params.model_id ?? ''),
    },
    authorize: (request) => authorize(request, apiKeys),
    errorReply: (spec, request) => anthropicErrorReply(request, spec.status, spec.code, spec.message),
    errorFrame: anthropicErrorFrame,
    notFound: (request) => anthropicErrorReply(request, 404, 'not_found_error', 'Not Found'),
    responseHeaders: (request) => ({
      'request-id': requestIdOf(request),
      'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
      ...rateLimitHeaders(request, state),
      ...options.extraHeaders,
    }),
    malformedFrame:
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\n\n',
    malformedBody:
      '{"id":"msg_malformed","type":"message","role":"assistant","content":[{"type":"text","text":"Echo',
  };
}

/** The `anthropic-ratelimit-*` headers; resets are RFC 3339 times (a minute after the request). */
function rateLimitHeaders(request: EmulatorRequest, state: AnthropicEmulatorState): Record<string, string> {
  const reset = rfc3339(Math.ceil((request.receivedAt + 60_000) / 1000) * 1000);
  const remainingTokens = Math.max(0, ANTHROPIC_EMULATOR_TOKEN_LIMIT - state.tokensUsed);
  const half = ANTHROPIC_EMULATOR_TOKEN_LIMIT / 2;
  return {
    'anthropic-ratelimit-requests-limit': String(ANTHROPIC_EMULATOR_REQUEST_LIMIT),
    'anthropic-ratelimit-requests-remaining': String(
      Math.max(0, ANTHROPIC_EMULATOR_REQUEST_LIMIT - request.index - 1),
    ),
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': String(ANTHROPIC_EMULATOR_TOKEN_LIMIT),
    'anthropic-ratelimit-tokens-remaining': String(remainingTokens),
    'anthropic-ratelimit-tokens-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': String(half),
    'anthropic-ratelimit-input-tokens-remaining': String(Math.min(half, remainingTokens)),
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': String(half),
    'anthropic-ratelimit-output-tokens-remaining': String(Math.min(half, remainingTokens)),
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

/** The API versions the emulator accepts: the classic one, and the one the official SDK 1.x sends. */
export const ANTHROPIC_EMULATOR_VERSIONS: readonly string[] = ['2023-01-01', '2023-06-01', '2026-10-21'];

/**
 * Key auth like the API: the key in `x-api-key` (API version 2023-06-01) or as `Authorization: Bearer <key>`
 * (what the official SDK 1.x sends); a missing or unknown key is a 401 `authentication_error` (the key is never
 * echoed). Then `anthropic-version` must name a known version, else 400.
 */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length > 0) {
    const header = request.headers['x-api-key'];
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    const key = typeof header === 'string' && header !== '' ? header : bearer;
    if (key === undefined) {
      return anthropicErrorReply(request, 401, 'authentication_error', 'x-api-key header is required');
    }
    if (!apiKeys.includes(key))
      return anthropicErrorReply(request, 401, 'authentication_error', 'invalid x-api-key');
  }
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string') {
    return anthropicErrorReply(
      request,
      400,
      'invalid_request_error',
      'anthropic-version: header is required',
    );
  }
  if (!ANTHROPIC_EMULATOR_VERSIONS.includes(version)) {
    return anthropicErrorReply(
      request,
      400,
      'invalid_request_error',
      `anthropic-version: unknown version ${version}`,
    );
  }
  return undefined;
}
