/**
 * The model catalogue and server facts on the wire: `GET /models`, `GET /models/{id}`,
 * `POST /models/{id}/reload`, `GET /models/{id}/statistics` and `GET /status`.
 */
import { ResponseFormatError } from '@ipfs-accelerate/core';
import type {
  LlvmModel,
  LlvmModelStatistics,
  LlvmModelStatus,
  LlvmPrecision,
  LlvmServerStatus,
} from './llvm-api-types.js';
import {
  asObject,
  countField,
  optionalDateField,
  optionalNumberField,
  optionalObjectField,
  optionalStringField,
  stringField,
} from './llvm-json.js';

const MODEL_STATUSES: readonly string[] = ['loaded', 'loading', 'unloaded', 'error'];
const SERVER_STATUSES: readonly string[] = ['ok', 'degraded', 'error'];

function strings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/**
 * A status value for a message: a string quoted (and cut short), any other value by its kind. Not
 * JSON.stringify of the value itself: a body can nest it deeper than the stack goes.
 */
function describeStatus(status: unknown): string {
  if (typeof status === 'string')
    return JSON.stringify(status.length > 40 ? `${status.slice(0, 40)}…` : status);
  if (status === null) return 'null';
  return Array.isArray(status) ? 'of type array' : `of type ${typeof status}`;
}

/**
 * One model object. The id is `model_id` (the contract), else the seed fixture's `name`, else `id`; a status
 * outside the contract's set is a ResponseFormatError rather than a silent guess.
 */
export function parseLlvmModel(value: unknown, what = 'model'): LlvmModel {
  if (typeof value === 'string' && value !== '') return { id: value };
  const o = asObject(value, what);
  const id =
    optionalStringField(o, 'model_id') || optionalStringField(o, 'name') || optionalStringField(o, 'id');
  if (!id) throw new ResponseFormatError(`llvm: ${what} has no model_id`);
  const model: LlvmModel = { id };
  const status = o.status;
  if (status !== undefined) {
    if (typeof status !== 'string' || !MODEL_STATUSES.includes(status)) {
      throw new ResponseFormatError(`llvm: ${what} ${id} has an unknown status ${describeStatus(status)}`);
    }
    model.status = status as LlvmModelStatus;
  }
  const type = optionalStringField(o, 'type');
  if (type !== undefined) model.type = type;
  const description = optionalStringField(o, 'description');
  if (description !== undefined) model.description = description;
  if (typeof o.batch_support === 'boolean') model.batchSupport = o.batch_support;
  const precisions = strings(o.precision_modes);
  if (precisions) model.precisionModes = precisions as LlvmPrecision[];
  const profiles = strings(o.optimization_profiles);
  if (profiles) model.optimizationProfiles = profiles;
  const details = optionalObjectField(o, 'details');
  if (details) model.details = details;
  return model;
}

/** `GET /models`: `{models: [...]}` (names or objects), or the seed reader's `{data: [...]}` alias. */
export function parseLlvmModelList(json: unknown): LlvmModel[] {
  const o = asObject(json, 'model list');
  const list = Array.isArray(o.models) ? o.models : Array.isArray(o.data) ? o.data : undefined;
  if (!list) throw new ResponseFormatError('llvm: model list has no models array');
  return list.map((entry, i) => parseLlvmModel(entry, `models[${i}]`));
}

/** `GET /models/{id}` and `POST /models/{id}/reload`: one model object with its status. */
export function parseLlvmModelResponse(json: unknown, what: string): LlvmModel {
  const model = parseLlvmModel(asObject(json, what), what);
  if (model.status === undefined) throw new ResponseFormatError(`llvm: ${what} has no status`);
  return model;
}

/** `GET /models/{id}/statistics`. */
export function parseLlvmStatistics(json: unknown, model: string): LlvmModelStatistics {
  const o = asObject(json, 'model statistics');
  const stats: LlvmModelStatistics = {
    modelId: optionalStringField(o, 'model_id') || model,
    requests: countField(o, 'requests', 'model statistics'),
    inferences: countField(o, 'inferences', 'model statistics'),
    batches: countField(o, 'batches', 'model statistics'),
    errors: countField(o, 'errors', 'model statistics'),
  };
  const latency = optionalNumberField(o, 'average_latency_ms');
  if (latency !== undefined) stats.averageLatencyMs = latency;
  const lastUsedAt = optionalDateField(o, 'last_used_at');
  if (lastUsedAt) stats.lastUsedAt = lastUsedAt;
  const loadedAt = optionalDateField(o, 'loaded_at');
  if (loadedAt) stats.loadedAt = loadedAt;
  return stats;
}

/** `GET /status`. */
export function parseLlvmStatus(json: unknown): LlvmServerStatus {
  const o = asObject(json, 'server status');
  const status = stringField(o, 'status', 'server status');
  if (!SERVER_STATUSES.includes(status)) {
    throw new ResponseFormatError(
      `llvm: server status ${JSON.stringify(status)} is not ok, degraded or error`,
    );
  }
  const result: LlvmServerStatus = { status: status as LlvmServerStatus['status'] };
  const version = optionalStringField(o, 'version');
  if (version !== undefined) result.version = version;
  const fields: Array<[keyof LlvmServerStatus, string]> = [
    ['uptimeSeconds', 'uptime_seconds'],
    ['modelsLoaded', 'models_loaded'],
    ['activeRequests', 'active_requests'],
    ['requestsServed', 'requests_served'],
  ];
  for (const [key, wire] of fields) {
    const value = optionalNumberField(o, wire);
    if (value !== undefined) (result as unknown as Record<string, number>)[key] = value;
  }
  return result;
}
