/**
 * State and shapes of the LLVM emulator, the reference server of `packages/llvm/openapi.yaml`: the model
 * fixture (the seed's `model_list/llvm.json`), the error body, the deterministic clock and the transform
 * that inference applies to inputs.
 */
import { STATUS_CODES } from 'node:http';
import type { JsonReply } from '../emulator/types.js';

/** The version `GET /status` reports. */
export const LLVM_EMULATOR_VERSION = '1.0.0';
/** The emulator's clock starts here (2025-01-01T00:00:00Z) and moves one second per inference request. */
export const LLVM_EMULATOR_EPOCH = Date.UTC(2025, 0, 1);

/** A model of the seed's fixture. */
export interface LlvmFixtureModel {
  readonly type: 'nlp' | 'vision';
  readonly description: string;
}

/** The seed's model list (`api_backends/model_list/llvm.json`): every model batches, in three precisions. */
export const LLVM_EMULATOR_FIXTURE: Readonly<Record<string, LlvmFixtureModel>> = {
  resnet50: { type: 'vision', description: 'ResNet-50 image classification' },
  'bert-base': { type: 'nlp', description: 'BERT base encoder' },
  mobilenet: { type: 'vision', description: 'MobileNet image classification' },
  't5-small': { type: 'nlp', description: 'T5 small text-to-text' },
  yolov5: { type: 'vision', description: 'YOLOv5 object detection' },
};

/** One model's state and counters. */
export interface LlvmEmulatorModel {
  readonly id: string;
  status: 'loaded' | 'unloaded';
  requests: number;
  inferences: number;
  batches: number;
  errors: number;
  lastUsedAt: string | null;
  loadedAt: string;
}

/** Mutable state of one emulator. */
export interface LlvmEmulatorState {
  readonly models: Map<string, LlvmEmulatorModel>;
  /** Requests answered by a route handler (faults and auth rejections excluded). */
  served: number;
  ticks: number;
}

/** A JSON object from a request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Advances the clock by one second and returns the time as ISO 8601. */
export function tick(state: LlvmEmulatorState): string {
  state.ticks += 1;
  return new Date(LLVM_EMULATOR_EPOCH + state.ticks * 1000).toISOString();
}

/** Fresh state: the given models, loaded unless listed in `unloaded`. */
export function createLlvmEmulatorState(
  models: readonly string[],
  unloaded: readonly string[] = [],
): LlvmEmulatorState {
  const loadedAt = new Date(LLVM_EMULATOR_EPOCH).toISOString();
  const state: LlvmEmulatorState = { models: new Map(), served: 0, ticks: 0 };
  for (const id of models) {
    state.models.set(id, {
      id,
      status: unloaded.includes(id) ? 'unloaded' : 'loaded',
      requests: 0,
      inferences: 0,
      batches: 0,
      errors: 0,
      lastUsedAt: null,
      loadedAt,
    });
  }
  return state;
}

/** The wire object of a model (`#/components/schemas/Model`). */
export function modelBody(model: LlvmEmulatorModel): Record<string, unknown> {
  const fixture = LLVM_EMULATOR_FIXTURE[model.id];
  return {
    model_id: model.id,
    status: model.status,
    type: fixture?.type ?? 'nlp',
    description: fixture?.description ?? `emulated model ${model.id}`,
    batch_support: true,
    precision_modes: ['fp32', 'fp16', 'int8'],
    optimization_profiles: ['speed', 'memory', 'balanced'],
  };
}

/** A JSON reply. */
export function jsonReply(status: number, body: unknown): JsonReply {
  return { kind: 'json', status, body };
}

/** The machine code the reference server puts beside a status. */
export function defaultErrorCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    case 500:
      return 'internal_error';
    case 502:
      return 'bad_gateway';
    case 503:
      return 'overloaded';
    default:
      return (STATUS_CODES[status] ?? `http_${status}`).toLowerCase().replace(/[^a-z0-9]+/g, '_');
  }
}

/** The contract's error body `{error, code}` (`#/components/schemas/Error`). */
export function llvmErrorReply(status: number, message?: string, code?: string): JsonReply {
  return jsonReply(status, {
    error: message ?? (STATUS_CODES[status] ?? `HTTP ${status}`).toLowerCase(),
    code: code ?? defaultErrorCode(status),
  });
}

/** A 400 `invalid_request` naming what is wrong with the request. */
export function invalidRequest(message: string): JsonReply {
  return llvmErrorReply(400, message, 'invalid_request');
}

/**
 * What inference does to an input, deterministically: strings upper-cased, numbers doubled, booleans
 * negated, arrays and objects transformed element by element (null stays null).
 */
export function transformInput(value: unknown): unknown {
  if (typeof value === 'string') return value.toUpperCase();
  if (typeof value === 'number') return value * 2;
  if (typeof value === 'boolean') return !value;
  if (Array.isArray(value)) return value.map(transformInput);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, transformInput(v)]));
  }
  return null;
}
