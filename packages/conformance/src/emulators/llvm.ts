import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
  RouteHandler,
} from '../emulator/types.js';
import { executeHandler, optimizeHandler } from './llvm-code.js';
import { batchInferHandler, inferHandler } from './llvm-inference.js';
import {
  getModelHandler,
  listModelsHandler,
  reloadHandler,
  statisticsHandler,
  statusHandler,
} from './llvm-models.js';
import {
  createLlvmEmulatorState,
  LLVM_EMULATOR_FIXTURE,
  type LlvmEmulatorState,
  llvmErrorReply,
} from './llvm-shapes.js';

/** Options of {@link startLlvmEmulator}. */
export interface LlvmEmulatorOptions extends EmulatorOptions {
  /**
   * Accepted bearer keys. Default `[]`: no auth (keys are optional in the contract). When non-empty, every
   * request needs `Authorization: Bearer <key>` with one of them, else 401 `{error, code: "unauthorized"}`.
   */
  readonly apiKeys?: readonly string[];
  /** Model ids on the server; default the seed's fixture (resnet50, bert-base, mobilenet, t5-small, yolov5). */
  readonly models?: readonly string[];
  /** Models present but not loaded: inference answers 409 `model_not_loaded` until a reload. */
  readonly unloaded?: readonly string[];
}

/** A running LLVM emulator. */
export interface LlvmEmulator extends Emulator {
  /** The models and their counters now (read-only view of the server's state). */
  readonly state: Readonly<LlvmEmulatorState>;
}

/** The models of an emulator started without `models`. */
export const LLVM_EMULATOR_DEFAULT_MODELS: readonly string[] = Object.keys(LLVM_EMULATOR_FIXTURE);

/**
 * Starts the reference server of the LLVM contract (`packages/llvm/openapi.yaml`) on 127.0.0.1, no path
 * prefix. Deterministic: inference transforms its input (strings upper-cased, numbers doubled, booleans
 * negated, element-wise in arrays and objects); `/execute` simulates output from `printf`/`puts` literals;
 * `/optimize` strips comments and reports a fixed pass list per level. Every response carries
 * `X-Request-ID`: the request's own, else `llvm-<n>`.
 */
export async function startLlvmEmulator(options: LlvmEmulatorOptions = {}): Promise<LlvmEmulator> {
  const state = createLlvmEmulatorState(options.models ?? LLVM_EMULATOR_DEFAULT_MODELS, options.unloaded);
  const emulator = await startEmulator(llvmProtocol(state, options.apiKeys ?? []), options);
  return Object.defineProperty(emulator, 'state', { enumerable: true, value: state }) as LlvmEmulator;
}

/** The {@link EmulatorDefinition} of the LLVM contract over the given state. */
export function llvmProtocol(state: LlvmEmulatorState, apiKeys: readonly string[]): EmulatorDefinition {
  const served =
    (handler: RouteHandler): RouteHandler =>
    (request, params) => {
      state.served += 1;
      return handler(request, params);
    };
  const routes: Record<string, RouteHandler> = {
    'GET /models': () => listModelsHandler(state),
    'GET /models/:id': (_request, params) => getModelHandler(state, params),
    'POST /models/:id/infer': (request, params) => inferHandler(request, state, params),
    'POST /models/:id/batch_infer': (request, params) => batchInferHandler(request, state, params),
    'POST /models/:id/reload': (request, params) => reloadHandler(request, state, params),
    'GET /models/:id/statistics': (_request, params) => statisticsHandler(state, params),
    'POST /execute': (request) => executeHandler(request),
    'POST /optimize': (request) => optimizeHandler(request),
    'GET /status': () => statusHandler(state),
  };
  for (const key of Object.keys(routes)) routes[key] = served(routes[key] as RouteHandler);
  return {
    name: 'llvm',
    pathPrefix: '',
    routes,
    authorize: (request) => authorize(request, apiKeys),
    errorReply: (spec) => llvmErrorReply(spec.status, spec.message, spec.code),
    // No streams in the contract; a stream-error fault has nothing to act on, but the framework needs a frame.
    errorFrame: (code, message) =>
      `${JSON.stringify({ error: message ?? 'inference failed', code: code ?? 'internal_error' })}\n`,
    notFound: (request) => llvmErrorReply(404, `no route for ${request.method} ${request.path}`, 'not_found'),
    responseHeaders: (request) => ({ 'x-request-id': requestIdOf(request) }),
    malformedBody: '{"model_id":"bert-base","outputs":"HEL',
  };
}

/** The request's `X-Request-ID` when it is a sane header value, else one of ours. */
function requestIdOf(request: EmulatorRequest): string {
  const sent = request.headers['x-request-id'];
  return typeof sent === 'string' && /^[\x21-\x7e]{1,200}$/.test(sent) ? sent : `llvm-${request.index}`;
}

/** Optional bearer auth: a missing or unknown key is a 401 `unauthorized` (the key is never echoed). */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  return key !== undefined && apiKeys.includes(key)
    ? undefined
    : llvmErrorReply(401, 'invalid or missing API key', 'unauthorized');
}
