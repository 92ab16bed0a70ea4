import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
  RouteHandler,
} from '../emulator/types.js';
import { chatHandler } from './ollama-chat.js';
import { embeddingsHandler, embedHandler } from './ollama-embed.js';
import { defaultErrorMessage, ollamaErrorFrame, ollamaErrorReply } from './ollama-errors.js';
import { generateHandler } from './ollama-generate.js';
import {
  deleteHandler,
  psHandler,
  pullHandler,
  showHandler,
  tagsHandler,
  versionHandler,
} from './ollama-models.js';
import { OLLAMA_EMULATOR_EPOCH, type OllamaEmulatorState } from './ollama-shapes.js';

/** Options of {@link startOllamaEmulator}. */
export interface OllamaEmulatorOptions extends EmulatorOptions {
  /**
   * Accepted bearer keys (Ollama cloud). Default `[]`: no auth, like a local server. When non-empty, every request
   * needs `Authorization: Bearer <key>` with one of them, else 401 `{"error":"unauthorized"}`.
   */
  readonly apiKeys?: readonly string[];
  /** Models on the server at start; default {@link OLLAMA_EMULATOR_DEFAULT_MODELS}. */
  readonly models?: readonly string[];
}

/** A running Ollama emulator. */
export interface OllamaEmulator extends Emulator {
  /** The models on the server now, as named: the configured ones, plus pulled, minus deleted. */
  readonly models: readonly string[];
}

/** The models of an emulator started without `models`. */
export const OLLAMA_EMULATOR_DEFAULT_MODELS: readonly string[] = ['llama3.2', 'all-minilm'];

const RUNNING = 'Ollama is running';

/**
 * Starts an emulator of Ollama's native API (`/api/*`, no path prefix: `baseURL` is the origin) on 127.0.0.1.
 * Replies are deterministic: chat answers `Echo: <last user text>`, generate `Echo: <prompt>`, NDJSON streams by
 * default (one chunk per word, then the `done: true` object with statistics in nanoseconds); timestamps come
 * from a counter starting at 2025-01-01T00:00:00Z. Errors are `{"error": "<message>"}`; there are no
 * request-id or rate-limit headers, as on the real server.
 */
export async function startOllamaEmulator(options: OllamaEmulatorOptions = {}): Promise<OllamaEmulator> {
  const state = createOllamaEmulatorState(options.models ?? OLLAMA_EMULATOR_DEFAULT_MODELS);
  const emulator = await startEmulator(ollamaProtocol(state, options.apiKeys ?? []), options);
  return Object.defineProperty(emulator, 'models', {
    enumerable: true,
    get: () => state.models.map((model) => model.name),
  }) as OllamaEmulator;
}

/** Fresh state for {@link ollamaProtocol}: the given models on disk, none loaded, the clock at its epoch. */
export function createOllamaEmulatorState(models: readonly string[]): OllamaEmulatorState {
  const modifiedAt = new Date(OLLAMA_EMULATOR_EPOCH).toISOString();
  return { models: models.map((name) => ({ name, modifiedAt })), loaded: new Map(), ticks: 0 };
}

/** The {@link EmulatorDefinition} of Ollama's native API over the given state. */
export function ollamaProtocol(state: OllamaEmulatorState, apiKeys: readonly string[]): EmulatorDefinition {
  const text = (): Reply => ({
    kind: 'json',
    status: 200,
    body: RUNNING,
    contentType: 'text/plain; charset=utf-8',
  });
  const routes: Record<string, RouteHandler> = {
    'GET /': text,
    'HEAD /': text,
    'GET /api/version': versionHandler,
    'HEAD /api/version': versionHandler,
    'GET /api/tags': () => tagsHandler(state),
    'HEAD /api/tags': () => tagsHandler(state),
    'GET /api/ps': () => psHandler(state),
    'POST /api/chat': (request) => chatHandler(request, state),
    'POST /api/generate': (request) => generateHandler(request, state),
    'POST /api/embed': (request) => embedHandler(request, state),
    'POST /api/embeddings': (request) => embeddingsHandler(request, state),
    'POST /api/show': (request) => showHandler(request, state),
    'POST /api/pull': (request) => pullHandler(request, state),
    'DELETE /api/delete': (request) => deleteHandler(request, state),
  };
  const paths = new Set(Object.keys(routes).map((key) => key.slice(key.indexOf(' ') + 1)));
  return {
    name: 'ollama',
    pathPrefix: '',
    routes,
    authorize: (request) => authorize(request, apiKeys),
    errorReply: (spec, request) =>
      ollamaErrorReply(spec.status, spec.message ?? defaultErrorMessage(spec.status, request)),
    errorFrame: ollamaErrorFrame,
    // gin's plain-text answers; the real server turns HandleMethodNotAllowed on.
    notFound: (request) =>
      paths.has(request.path)
        ? { kind: 'json', status: 405, body: '405 method not allowed', contentType: 'text/plain' }
        : { kind: 'json', status: 404, body: '404 page not found', contentType: 'text/plain' },
    malformedFrame:
      '{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000Z","message":{"role":"assistant",\n',
    malformedBody:
      '{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000Z","message":{"role":"assistant","content":"Echo',
  };
}

/** Ollama cloud's bearer auth: a missing or unknown key is a 401 `unauthorized` (the key is never echoed). */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  return key !== undefined && apiKeys.includes(key) ? undefined : ollamaErrorReply(401, 'unauthorized');
}
