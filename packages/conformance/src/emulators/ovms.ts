/**
 * The OpenVINO Model Server emulator: KServe v2 (`/v2`), the OpenAI-compatible API (`/v3`) and the legacy
 * TensorFlow-Serving API (`/v1`) on one port, as one OVMS serves them. Errors are `{"error": "<message>"}`
 * everywhere; the key (`--api_key_file`) is checked on `/v3` only; no request-id or rate-limit headers.
 */
import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
} from '../emulator/types.js';
import { kserveRoutes, type OvmsEmulatorState, ovmsError } from './ovms-kserve.js';
import { DEFAULT_OVMS_MODELS, type OvmsEmulatorModel } from './ovms-models.js';
import { tfsRoutes } from './ovms-tfs.js';
import { ovmsErrorFrame, v3Routes } from './ovms-v3.js';

/** Options of {@link startOvmsEmulator}. */
export interface OvmsEmulatorOptions extends EmulatorOptions {
  /** Keys accepted on `/v3` as `Authorization: Bearer`; default none (no auth, OVMS's default). */
  readonly apiKeys?: readonly string[];
  /** KServe / TF-Serving servables; default `dummy` (b + 1) and `double` (input * 2). */
  readonly models?: readonly OvmsEmulatorModel[];
  /** Models served on `/v3` (chat, completions, embeddings, rerank). */
  readonly llmModels?: readonly string[];
}

/** A running OVMS emulator, with switches for the server's and a model's readiness. */
export interface OvmsEmulator extends Emulator {
  /** Model names of the `/v3` surface. */
  readonly llmModels: readonly string[];
  /** Server readiness: when false, `/v2/health/ready`, model readiness and inference answer 503. */
  setReady(ready: boolean): void;
  /** Marks a servable as loading (readiness and inference 503) or loaded. */
  setModelLoading(model: string, loading: boolean): void;
}

/** The `/v3` models of an emulator by default. */
export const OVMS_EMULATOR_LLM_MODELS: readonly string[] = [
  'OpenVINO/Qwen3-8B-int4-ov',
  'OpenVINO/bge-base-en-v1.5-fp16-ov',
  'OpenVINO/bge-reranker-base-fp16-ov',
];

/** Starts an OVMS emulator on 127.0.0.1; its `baseURL` is the server root (no prefix). */
export async function startOvmsEmulator(options: OvmsEmulatorOptions = {}): Promise<OvmsEmulator> {
  const state: OvmsEmulatorState = {
    ready: true,
    models: new Map((options.models ?? DEFAULT_OVMS_MODELS).map((m) => [m.name, m])),
    loading: new Set(),
  };
  const llmModels = [...(options.llmModels ?? OVMS_EMULATOR_LLM_MODELS)];
  const emulator = await startEmulator(ovmsProtocol(state, llmModels, options.apiKeys ?? []), options);
  return Object.assign(emulator, {
    llmModels,
    setReady(ready: boolean) {
      state.ready = ready;
    },
    setModelLoading(model: string, loading: boolean) {
      if (loading) state.loading.add(model);
      else state.loading.delete(model);
    },
  });
}

/** The {@link EmulatorDefinition} of OVMS over a shared state. */
export function ovmsProtocol(
  state: OvmsEmulatorState,
  llmModels: readonly string[],
  apiKeys: readonly string[],
): EmulatorDefinition {
  return {
    name: 'ovms',
    pathPrefix: '',
    routes: { ...kserveRoutes(state), ...tfsRoutes(state), ...v3Routes(llmModels) },
    authorize: (request) => authorize(request, apiKeys),
    errorReply: ({ status, message }) => ovmsError(status, message ?? defaultMessage(status)),
    errorFrame: ovmsErrorFrame,
    notFound: () => ovmsError(404, 'Requested REST resource not found'),
  };
}

function defaultMessage(status: number): string {
  if (status === 404) return 'Model with requested name is not found';
  if (status === 503) return 'Model with requested version is not loaded yet';
  if (status === 401) return 'Unauthorized';
  if (status >= 500) return 'Internal server error';
  return 'Invalid request';
}

/** `--api_key_file`: the key is required on `/v3` only; KServe and TF-Serving routes stay open. */
function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0 || !request.path.startsWith('/v3/')) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
  return key !== undefined && apiKeys.includes(key) ? undefined : ovmsError(401, 'Unauthorized');
}
