/** The LLVM emulator's catalogue and server routes: models, one model, reload, statistics and status. */
import type { EmulatorRequest, Reply, RouteParams } from '../emulator/types.js';
import {
  jsonReply,
  LLVM_EMULATOR_VERSION,
  type LlvmEmulatorModel,
  type LlvmEmulatorState,
  llvmErrorReply,
  modelBody,
  tick,
} from './llvm-shapes.js';
import { parseObjectBody } from './llvm-validate.js';

/** The model a route names, or the contract's 404 `model_not_found`. */
export function findModel(
  state: LlvmEmulatorState,
  params: RouteParams,
): { ok: true; model: LlvmEmulatorModel } | { ok: false; reply: Reply } {
  const id = params.id ?? '';
  const model = state.models.get(id);
  return model
    ? { ok: true, model }
    : { ok: false, reply: llvmErrorReply(404, `model '${id}' not found`, 'model_not_found') };
}

/** `GET /models`: every model as an object, in configuration order. */
export function listModelsHandler(state: LlvmEmulatorState): Reply {
  return jsonReply(200, { models: [...state.models.values()].map(modelBody) });
}

/** `GET /models/{id}`. */
export function getModelHandler(state: LlvmEmulatorState, params: RouteParams): Reply {
  const found = findModel(state, params);
  return found.ok ? jsonReply(200, modelBody(found.model)) : found.reply;
}

/**
 * `POST /models/{id}/reload` (body `{}`, `{force}` or none): the model is loaded afterwards and its
 * counters start again, as after a restart of the model.
 */
export function reloadHandler(
  request: EmulatorRequest,
  state: LlvmEmulatorState,
  params: RouteParams,
): Reply {
  const parsed = parseObjectBody(request, true);
  if (!parsed.ok) return parsed.reply;
  if (parsed.value.force !== undefined && typeof parsed.value.force !== 'boolean') {
    return llvmErrorReply(400, 'force must be a boolean', 'invalid_request');
  }
  const found = findModel(state, params);
  if (!found.ok) return found.reply;
  const model = found.model;
  Object.assign(model, {
    status: 'loaded',
    requests: 0,
    inferences: 0,
    batches: 0,
    errors: 0,
    lastUsedAt: null,
  });
  model.loadedAt = tick(state);
  return jsonReply(200, modelBody(model));
}

/** `GET /models/{id}/statistics`. */
export function statisticsHandler(state: LlvmEmulatorState, params: RouteParams): Reply {
  const found = findModel(state, params);
  if (!found.ok) return found.reply;
  const m = found.model;
  return jsonReply(200, {
    model_id: m.id,
    requests: m.requests,
    inferences: m.inferences,
    batches: m.batches,
    errors: m.errors,
    last_used_at: m.lastUsedAt,
    loaded_at: m.loadedAt,
  });
}

/** `GET /status`: always `ok`; `requests_served` counts requests answered by a route before this one. */
export function statusHandler(state: LlvmEmulatorState): Reply {
  const loaded = [...state.models.values()].filter((m) => m.status === 'loaded').length;
  return jsonReply(200, {
    status: 'ok',
    version: LLVM_EMULATOR_VERSION,
    models_loaded: loaded,
    requests_served: state.served - 1,
  });
}
