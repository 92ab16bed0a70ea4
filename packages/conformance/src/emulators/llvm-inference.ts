/** The LLVM emulator's inference routes: `/models/{id}/infer` and `/models/{id}/batch_infer`. */
import type { EmulatorRequest, Reply, RouteParams } from '../emulator/types.js';
import { findModel } from './llvm-models.js';
import {
  isObject,
  type JsonObject,
  jsonReply,
  type LlvmEmulatorModel,
  type LlvmEmulatorState,
  llvmErrorReply,
  tick,
  transformInput,
} from './llvm-shapes.js';
import { checkInferParameters, checkInput, parseObjectBody } from './llvm-validate.js';

/** The most inputs one `/batch_infer` accepts. */
export const LLVM_EMULATOR_MAX_BATCH = 64;

/** The model, loaded; a 409 `model_not_loaded` when it is not (reload loads it). */
function loadedModel(state: LlvmEmulatorState, params: RouteParams) {
  const found = findModel(state, params);
  if (found.ok && found.model.status !== 'loaded') {
    return {
      ok: false as const,
      reply: llvmErrorReply(409, `model '${found.model.id}' is not loaded`, 'model_not_loaded'),
    };
  }
  return found;
}

function metadata(body: JsonObject, batchSize: number): Record<string, unknown> {
  const parameters = isObject(body.parameters) ? body.parameters : {};
  return {
    precision: typeof parameters.precision === 'string' ? parameters.precision : 'fp32',
    batch_size: batchSize,
  };
}

function count(state: LlvmEmulatorState, model: LlvmEmulatorModel, inputs: number, batch: boolean): void {
  model.requests += 1;
  model.inferences += inputs;
  if (batch) model.batches += 1;
  model.lastUsedAt = tick(state);
}

/** `POST /models/{id}/infer` `{input, parameters?}` -> `{model_id, outputs, metadata}`. */
export function inferHandler(request: EmulatorRequest, state: LlvmEmulatorState, params: RouteParams): Reply {
  const found = loadedModel(state, params);
  if (!found.ok) return found.reply;
  const parsed = parseObjectBody(request);
  const problem = parsed.ok
    ? (checkInput(parsed.value.input, 'input') ?? checkInferParameters(parsed.value))
    : undefined;
  if (!parsed.ok || problem !== undefined) {
    found.model.errors += 1;
    return parsed.ok ? llvmErrorReply(400, problem, 'invalid_request') : parsed.reply;
  }
  count(state, found.model, 1, false);
  return jsonReply(200, {
    model_id: found.model.id,
    outputs: transformInput(parsed.value.input),
    metadata: metadata(parsed.value, 1),
  });
}

/** `POST /models/{id}/batch_infer` `{inputs, parameters?}` -> `{model_id, results}`, one result per input. */
export function batchInferHandler(
  request: EmulatorRequest,
  state: LlvmEmulatorState,
  params: RouteParams,
): Reply {
  const found = loadedModel(state, params);
  if (!found.ok) return found.reply;
  const parsed = parseObjectBody(request);
  let problem: string | undefined;
  if (parsed.ok) {
    const inputs = parsed.value.inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) problem = 'inputs must be a non-empty array';
    else if (inputs.length > LLVM_EMULATOR_MAX_BATCH) {
      problem = `inputs has ${inputs.length} items; at most ${LLVM_EMULATOR_MAX_BATCH} per batch`;
    } else {
      problem = inputs.map((input, i) => checkInput(input, `inputs[${i}]`)).find((p) => p !== undefined);
    }
    problem ??= checkInferParameters(parsed.value);
  }
  if (!parsed.ok || problem !== undefined) {
    found.model.errors += 1;
    return parsed.ok ? llvmErrorReply(400, problem, 'invalid_request') : parsed.reply;
  }
  const inputs = parsed.value.inputs as unknown[];
  count(state, found.model, inputs.length, true);
  return jsonReply(200, {
    model_id: found.model.id,
    results: inputs.map(transformInput),
    metadata: metadata(parsed.value, inputs.length),
  });
}
