import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
  RouteHandler,
} from '../emulator/types.js';
import { batchEmbedHandler, embedContentHandler } from './gemini-embed.js';
import {
  GEMINI_BAD_KEY_MESSAGE,
  GEMINI_NO_KEY_MESSAGE,
  geminiErrorFrame,
  geminiErrorReply,
  parseGeminiFaultCode,
} from './gemini-errors.js';
import { countTokensHandler, generateHandler } from './gemini-generate.js';
import { getModelHandler, listModelsHandler } from './gemini-models.js';
import { GEMINI_API_VERSION, GEMINI_API_VERSIONS, type GeminiEmulatorState } from './gemini-shapes.js';

/** Options of {@link startGeminiEmulator}. */
export interface GeminiEmulatorOptions extends EmulatorOptions {
  /**
   * Accepted keys, sent as `x-goog-api-key` or `?key=` like Google allows. A request without a key is a 403
   * PERMISSION_DENIED; an unknown key a 400 INVALID_ARGUMENT with ErrorInfo `API_KEY_INVALID`. Default `[]`:
   * any non-empty key is accepted (a key is still required).
   */
  readonly apiKeys?: readonly string[];
  /** Model ids (without `models/`); default {@link GEMINI_EMULATOR_DEFAULT_MODELS}. Names with "embed" embed. */
  readonly models?: readonly string[];
}

/** A running Gemini emulator. */
export interface GeminiEmulator extends Emulator {
  /** The model ids it serves. */
  readonly models: readonly string[];
}

/** The models of an emulator started without `models`. */
export const GEMINI_EMULATOR_DEFAULT_MODELS: readonly string[] = ['gemini-2.0-flash', 'text-embedding-004'];

/**
 * Starts an emulator of the Gemini API (Generative Language API) on 127.0.0.1: `baseURL` is `origin + '/v1beta'`;
 * the same routes answer under `/v1` too (js-genai takes `origin` as `httpOptions.baseUrl` and adds its
 * `apiVersion`, `v1` by default in 3.x).
 * Routes: `models/{m}:generateContent`, `:streamGenerateContent` (`alt=sse`: SSE with CRLF CRLF frames and no
 * `[DONE]`; without: a JSON array), `:embedContent`, `:batchEmbedContents`, `:countTokens`, `GET models` (paged)
 * and `GET models/{m}`. Replies are deterministic (`Echo: <last user text>`, `responseId` from a counter) and
 * pretty-printed like Google's; errors are google.rpc.Status bodies. The `code` of `error` and `stream-error`
 * faults is the grammar of {@link parseGeminiFaultCode} (`'RESOURCE_EXHAUSTED retry=37s'`); the stream error is
 * a bare JSON line without `data:`.
 */
export async function startGeminiEmulator(options: GeminiEmulatorOptions = {}): Promise<GeminiEmulator> {
  const state: GeminiEmulatorState = {
    models: [...(options.models ?? GEMINI_EMULATOR_DEFAULT_MODELS)],
    responses: 0,
  };
  const emulator = await startEmulator(geminiProtocol(state, options.apiKeys ?? []), options);
  return Object.defineProperty(emulator, 'models', {
    enumerable: true,
    get: () => state.models,
  }) as GeminiEmulator;
}

/** `gemini-x:generateContent` -> the model id and the method (undefined when there is no colon). */
function splitAction(action: string): { model: string; method: string | undefined } {
  const colon = action.lastIndexOf(':');
  return colon === -1
    ? { model: action, method: undefined }
    : { model: action.slice(0, colon), method: action.slice(colon + 1) };
}

/** The POST methods of a model, by name. */
function modelMethod(request: EmulatorRequest, state: GeminiEmulatorState, action: string): Reply {
  const { model, method } = splitAction(action);
  switch (method) {
    case 'generateContent':
      return generateHandler(request, state, model, false);
    case 'streamGenerateContent':
      return generateHandler(request, state, model, true);
    case 'countTokens':
      return countTokensHandler(request, state, model);
    case 'embedContent':
      return embedContentHandler(request, state, model);
    case 'batchEmbedContents':
      return batchEmbedHandler(request, state, model);
    default:
      return geminiErrorReply(404, { message: `Method not found: ${String(method)}` }, request);
  }
}

/** The routes of one API version (`/v1beta` or `/v1`): the same handlers under each. */
function versionRoutes(version: string, state: GeminiEmulatorState): Record<string, RouteHandler> {
  const prefix = `/${version}`;
  return {
    [`GET ${prefix}/models`]: (request) => listModelsHandler(request, state),
    [`GET ${prefix}/models/:action`]: (request, params) => {
      const { model, method } = splitAction(params.action ?? '');
      return method === undefined
        ? getModelHandler(request, state, model)
        : geminiErrorReply(404, { message: 'Requested entity was not found.' });
    },
    [`POST ${prefix}/models/:action`]: (request, params) => modelMethod(request, state, params.action ?? ''),
  };
}

/** The {@link EmulatorDefinition} of the Gemini API over the given state. */
export function geminiProtocol(state: GeminiEmulatorState, apiKeys: readonly string[]): EmulatorDefinition {
  return {
    name: 'gemini',
    pathPrefix: `/${GEMINI_API_VERSION}`,
    routes: Object.assign({}, ...GEMINI_API_VERSIONS.map((version) => versionRoutes(version, state))),
    authorize: (request) => authorize(request, apiKeys),
    errorReply: (spec, request) => {
      const options = parseGeminiFaultCode(spec.code);
      return geminiErrorReply(spec.status, { ...options, message: spec.message }, request);
    },
    errorFrame: geminiErrorFrame,
    notFound: (request) =>
      geminiErrorReply(404, { message: `The requested URL ${request.path} was not found on this server.` }),
    malformedFrame: 'data: {"candidates": [{"content": {"parts": [{"text": "Echo\r\n\r\n',
    malformedBody:
      '{\n  "candidates": [\n    {\n      "content": {\n        "parts": [\n          {\n            "text": "Echo',
  };
}

/** Google's key check: `x-goog-api-key` header or `key` query parameter. The key is never echoed. */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  const header = request.headers['x-goog-api-key'];
  const key = (typeof header === 'string' ? header : undefined) ?? request.query.get('key') ?? undefined;
  if (key === undefined || key === '') return geminiErrorReply(403, { message: GEMINI_NO_KEY_MESSAGE });
  if (apiKeys.length > 0 && !apiKeys.includes(key)) {
    return geminiErrorReply(400, { reason: 'API_KEY_INVALID', message: GEMINI_BAD_KEY_MESSAGE });
  }
  return undefined;
}
