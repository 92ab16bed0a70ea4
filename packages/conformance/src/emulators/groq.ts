/**
 * The Groq emulator: the OpenAI-compatible emulator under `/openai/v1`, with Groq's `x_groq` (request id,
 * final stream usage, in-band stream errors), usage timings, rate-limit headers, error bodies (498 flex
 * `capacity_exceeded`, 413, …), model objects and request checks. The OpenAI definition is reused through its
 * hooks and wrapped where Groq differs; nothing of it is copied.
 */
import { startEmulator } from '../emulator/start-emulator.js';
import type {
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  JsonReply,
  Reply,
} from '../emulator/types.js';
import {
  checkGroqChat,
  GROQ_EMULATOR_TOKEN_LIMIT,
  groqError,
  groqErrorFrame,
  groqErrorReply,
} from './groq-errors.js';
import {
  decorateGroqChunk,
  decorateGroqCompletion,
  GROQ_EMULATOR_REQUEST_LIMIT,
  GROQ_EMULATOR_RESET_REQUESTS,
  GROQ_EMULATOR_RESET_TOKENS,
  type GroqEmulatorState,
  groqModel,
} from './groq-shapes.js';
import { type OpenAIEmulator, openAIProtocol } from './openai-compatible.js';
import { isObject } from './openai-compatible-validate.js';

/** Options of {@link startGroqEmulator}. */
export interface GroqEmulatorOptions extends EmulatorOptions {
  /** Accepted bearer keys; default `['test-key']`; `[]` turns auth off. */
  readonly apiKeys?: readonly string[];
  /** Served models; default `['llama-3.1-8b-instant', 'llama-3.3-70b-versatile']`. */
  readonly models?: readonly string[];
  /**
   * Seconds sent as `retry-after` on scripted 429 errors that set no hint of their own (Groq sends it on every
   * 429, and only there). Off by default: a hint pauses a client's whole lane, which tests should ask for.
   */
  readonly rateLimitRetryAfter?: number;
}

/** A running Groq emulator. */
export type GroqEmulator = OpenAIEmulator;

/** The path prefix of Groq's OpenAI-compatible API. */
export const GROQ_PATH_PREFIX = '/openai/v1';
/** The models a Groq emulator serves by default. */
export const GROQ_EMULATOR_MODELS: readonly string[] = ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile'];

/** Starts a Groq emulator on 127.0.0.1; its `baseURL` ends in `/openai/v1`. */
export async function startGroqEmulator(options: GroqEmulatorOptions = {}): Promise<GroqEmulator> {
  const models = [...(options.models ?? GROQ_EMULATOR_MODELS)];
  const emulator = await startEmulator(groqProtocol(options, models), options);
  return Object.assign(emulator, { provider: 'groq', models });
}

/** The {@link EmulatorDefinition} of Groq: the OpenAI-compatible one under `/openai/v1`, wrapped. */
export function groqProtocol(options: GroqEmulatorOptions, models: readonly string[]): EmulatorDefinition {
  const state: GroqEmulatorState = { tokensUsed: 0, streams: new WeakMap() };
  const base = openAIProtocol(
    {
      apiKeys: options.apiKeys,
      pathPrefix: GROQ_PATH_PREFIX,
      provider: 'groq',
      decorateCompletion: (completion, request) => decorateGroqCompletion(completion, request, state),
      decorateChunk: (chunk, info) => decorateGroqChunk(chunk, info, state),
    },
    'groq',
    models,
  );
  const chatRoute = `POST ${GROQ_PATH_PREFIX}/chat/completions`;
  const embeddingsRoute = `POST ${GROQ_PATH_PREFIX}/embeddings`;
  const openAIChat = base.routes[chatRoute];
  const openAIEmbeddings = base.routes[embeddingsRoute];
  if (!openAIChat || !openAIEmbeddings) throw new Error('the OpenAI-compatible emulator lacks a Groq route');
  const model = (id: string): Reply =>
    models.includes(id)
      ? { kind: 'json', status: 200, body: groqModel(id) }
      : groqErrorReply(404, groqError(404, 'model_not_found', modelMissing(id)));

  return {
    ...base,
    routes: {
      ...base.routes,
      [chatRoute]: async (request, params) =>
        checkGroqChat(request.json) ?? withoutParam(await openAIChat(request, params)),
      [embeddingsRoute]: async (request, params) => withoutParam(await openAIEmbeddings(request, params)),
      [`GET ${GROQ_PATH_PREFIX}/models`]: () => ({
        kind: 'json',
        status: 200,
        body: { object: 'list', data: models.map(groqModel) },
      }),
      [`GET ${GROQ_PATH_PREFIX}/models/:model`]: (_request, params) => model(params.model ?? ''),
    },
    authorize: (request) => {
      const denied = base.authorize?.(request);
      return denied === undefined ? undefined : groqErrorReply(401, groqError(401));
    },
    errorReply: ({ status, code, message }) => {
      const reply = groqErrorReply(status, groqError(status, code, message));
      return status === 429 && options.rateLimitRetryAfter !== undefined
        ? withHeaders(reply, { 'retry-after': String(options.rateLimitRetryAfter) })
        : reply;
    },
    errorFrame: groqErrorFrame,
    notFound: (request) =>
      groqErrorReply(404, {
        message: `Unknown request URL: ${request.method} ${request.path}. Please check the URL for typos, or see the docs at https://console.groq.com/docs/`,
        type: 'invalid_request_error',
        code: 'unknown_url',
      }),
    responseHeaders: (request) => groqHeaders(request, state),
  };
}

function modelMissing(id: string): string {
  return `The model \`${id}\` does not exist or you do not have access to it.`;
}

/** Groq's error objects have no `param`: drop it from the errors the OpenAI validation produced. */
function withoutParam(reply: Reply): Reply {
  if (reply.kind !== 'json' || reply.status < 400 || !isObject(reply.body) || !isObject(reply.body.error)) {
    return reply;
  }
  const { param: _param, code, ...error } = reply.body.error;
  return { ...reply, body: { error: code === null || code === undefined ? error : { ...error, code } } };
}

function withHeaders(reply: JsonReply, headers: Record<string, string>): JsonReply {
  return { ...reply, headers: { ...headers, ...reply.headers } };
}

/**
 * Groq's headers on every response: the `x-ratelimit-*` family with Groq's duration style (`2m59.56s`,
 * `7.66s`). No `x-request-id` and no `openai-*` headers: Groq's request id is `x_groq.id` in the body.
 */
function groqHeaders(request: EmulatorRequest, state: GroqEmulatorState): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(GROQ_EMULATOR_REQUEST_LIMIT),
    'x-ratelimit-limit-tokens': String(GROQ_EMULATOR_TOKEN_LIMIT),
    'x-ratelimit-remaining-requests': String(Math.max(0, GROQ_EMULATOR_REQUEST_LIMIT - request.index - 1)),
    'x-ratelimit-remaining-tokens': String(Math.max(0, GROQ_EMULATOR_TOKEN_LIMIT - state.tokensUsed)),
    'x-ratelimit-reset-requests': GROQ_EMULATOR_RESET_REQUESTS,
    'x-ratelimit-reset-tokens': GROQ_EMULATOR_RESET_TOKENS,
  };
}
