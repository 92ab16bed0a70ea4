/**
 * The TensorFlow-Serving-compatible REST API of OVMS (`/v1`), for servers released before its removal
 * (model_server PR #4349, 2026): predict in the row (`instances`) or column (`inputs`) format, model status
 * and model metadata (`GetModelMetadataResponse` as JSON).
 */
import { isPlainObject, ResponseFormatError } from '@ipfs-accelerate/core';
import { check, modelPath, normalizeVersion, OVMS_PROVIDER } from './ovms-validate.js';

/** Which model a `/v1` call addresses: a version number, or a version label, or neither (the newest). */
export interface TfsModelRef {
  /** The client's default model when left out. */
  model?: string;
  version?: string | number;
  /** A version label (`/labels/{label}`), instead of a version. */
  label?: string;
}

/** `POST /v1/models/{m}:predict`: exactly one of `instances` (row format) or `inputs` (column format). */
export interface TfsPredictRequest extends TfsModelRef {
  signatureName?: string;
  /** Row format: one entry per instance (a value, a list, or an object of named inputs). */
  instances?: unknown[];
  /** Column format: the inputs by name (an object) or the one unnamed input (a list). */
  inputs?: Record<string, unknown> | unknown[];
}

/** A predict result: `predictions` for the row format, `outputs` for the column format. */
export interface TfsPredictResult {
  predictions?: unknown[];
  outputs?: unknown;
  requestId: string;
  providerRequestId?: string;
}

/** One entry of `model_version_status`. */
export interface TfsModelVersionStatus {
  version: string;
  /** `START`, `LOADING`, `AVAILABLE`, `UNLOADING` or `END`. */
  state: string;
  errorCode: string;
  errorMessage: string;
}

/** A tensor of a signature. `shape` is empty for an unknown rank; `-1` marks a dynamic dimension. */
export interface TfsTensorInfo {
  /** The key the signature uses for it. */
  key: string;
  name: string;
  dtype: string;
  shape: number[];
}

/** `GET /v1/models/{m}/metadata`, with the signatures read into lists. */
export interface TfsModelMetadata {
  name: string;
  version?: string;
  signatures: Record<string, { methodName?: string; inputs: TfsTensorInfo[]; outputs: TfsTensorInfo[] }>;
}

const bad = (why: string) => new ResponseFormatError(`ovms: ${why}`, { provider: OVMS_PROVIDER });

/** `/v1/models/{m}[/versions/{v}|/labels/{l}]`, checked. */
export function tfsModelPath(ref: TfsModelRef): string {
  check.name(ref.model, 'model');
  const version = normalizeVersion(ref.version);
  if (ref.label !== undefined) {
    check.name(ref.label, 'label');
    if (version !== undefined) check.fail('give a version or a label, not both');
    return `/v1/models/${encodeURIComponent(ref.model)}/labels/${encodeURIComponent(ref.label)}`;
  }
  return modelPath('/v1', ref.model, version);
}

/** Checks a predict request and builds its body. */
export function buildPredictBody(request: TfsPredictRequest): Record<string, unknown> {
  const hasInstances = request.instances !== undefined;
  const hasInputs = request.inputs !== undefined;
  if (hasInstances === hasInputs)
    check.fail('predict takes exactly one of instances (rows) or inputs (columns)');
  const body: Record<string, unknown> = {};
  if (request.signatureName !== undefined) {
    check.name(request.signatureName, 'signatureName');
    body.signature_name = request.signatureName;
  }
  if (hasInstances) {
    if (!Array.isArray(request.instances) || request.instances.length === 0) {
      check.fail('instances must be a non-empty array');
    }
    body.instances = request.instances;
  } else {
    const { inputs } = request;
    const empty = Array.isArray(inputs)
      ? inputs.length === 0
      : !isPlainObject(inputs) || Object.keys(inputs).length === 0;
    if (empty) check.fail('inputs must be a non-empty object of named inputs or a non-empty array');
    body.inputs = inputs;
  }
  return body;
}

/** Reads a predict response: `predictions` (row request) or `outputs` (column request). */
export function parsePredictResponse(
  body: unknown,
  rows: boolean,
): Omit<TfsPredictResult, 'requestId' | 'providerRequestId'> {
  if (!isPlainObject(body)) throw bad('predict response is not a JSON object');
  if (rows) {
    if (!Array.isArray(body.predictions)) throw bad('predict response has no predictions array');
    return { predictions: body.predictions };
  }
  if (body.outputs === undefined) throw bad('predict response has no outputs');
  return { outputs: body.outputs };
}

/** Reads `{"model_version_status": [...]}`. */
export function parseModelStatus(body: unknown): TfsModelVersionStatus[] {
  if (!isPlainObject(body) || !Array.isArray(body.model_version_status)) {
    throw bad('model status response has no model_version_status array');
  }
  return body.model_version_status.map((entry: unknown, i) => {
    if (!isPlainObject(entry) || typeof entry.state !== 'string')
      throw bad(`model_version_status[${i}] has no state`);
    const status = isPlainObject(entry.status) ? entry.status : {};
    return {
      version: versionText(entry.version),
      state: entry.state,
      errorCode: typeof status.error_code === 'string' ? status.error_code : 'OK',
      errorMessage: typeof status.error_message === 'string' ? status.error_message : '',
    };
  });
}

/**
 * A version as text: TF Serving writes int64 as a string, some servers a number. Anything else is not coerced
 * (String() of a JSON object runs its `toString`, which a body can make throw or recurse): it reads as ''.
 */
function versionText(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** A `dim.size` (int64, as a number or a string): an integer from -1 up, else -1 (unknown). */
function dimension(value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : -1;
  return Number.isSafeInteger(n) && n >= -1 ? n : -1;
}

function tensorInfos(map: unknown): TfsTensorInfo[] {
  if (!isPlainObject(map)) return [];
  return Object.entries(map).map(([key, info]) => {
    const tensor = isPlainObject(info) ? info : {};
    const shape = isPlainObject(tensor.tensorShape) ? tensor.tensorShape : {};
    const dims = Array.isArray(shape.dim) ? shape.dim : [];
    return {
      key,
      name: typeof tensor.name === 'string' ? tensor.name : key,
      dtype: typeof tensor.dtype === 'string' ? tensor.dtype : 'DT_INVALID',
      // int64 sizes come as strings in proto JSON.
      shape: dims.map((d: unknown) => dimension(isPlainObject(d) ? d.size : undefined)),
    };
  });
}

/** Reads a TF `GetModelMetadataResponse` JSON. */
export function parseTfsModelMetadata(body: unknown): TfsModelMetadata {
  if (!isPlainObject(body) || !isPlainObject(body.modelSpec) || typeof body.modelSpec.name !== 'string') {
    throw bad('model metadata response has no modelSpec.name');
  }
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const signatureDef = isPlainObject(metadata.signature_def) ? metadata.signature_def : {};
  const defs = isPlainObject(signatureDef.signatureDef) ? signatureDef.signatureDef : {};
  const signatures: TfsModelMetadata['signatures'] = {};
  for (const [name, def] of Object.entries(defs)) {
    if (!isPlainObject(def)) continue;
    const signature: TfsModelMetadata['signatures'][string] = {
      inputs: tensorInfos(def.inputs),
      outputs: tensorInfos(def.outputs),
    };
    if (typeof def.methodName === 'string') signature.methodName = def.methodName;
    // defineProperty, not assignment: a signature named `__proto__` is a key like any other.
    Object.defineProperty(signatures, name, {
      value: signature,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const result: TfsModelMetadata = { name: body.modelSpec.name, signatures };
  if (body.modelSpec.version !== undefined) result.version = versionText(body.modelSpec.version);
  return result;
}
