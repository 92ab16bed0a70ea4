/**
 * The TensorFlow-Serving-compatible REST routes of the OVMS emulator (`/v1`, removed from OVMS main in 2026
 * but served by earlier releases): model status, model metadata (`GetModelMetadataResponse` JSON) and predict
 * in the row (`instances` -> `predictions`) and column (`inputs` -> `outputs`) formats. Tensors carry no
 * datatype here: the model's is used, and shapes come from the nesting of the JSON arrays.
 */
import type { EmulatorRequest, Reply, RouteHandler, RouteParams } from '../emulator/types.js';
import { type OvmsEmulatorState, ovmsError, resolveModel } from './ovms-kserve.js';
import { fitsDatatype, type OvmsEmulatorModel, type OvmsTensorValue } from './ovms-models.js';

const TF_DTYPES: Readonly<Record<string, string>> = {
  FP32: 'DT_FLOAT',
  FP64: 'DT_DOUBLE',
  FP16: 'DT_HALF',
  INT8: 'DT_INT8',
  INT16: 'DT_INT16',
  INT32: 'DT_INT32',
  INT64: 'DT_INT64',
  UINT8: 'DT_UINT8',
  UINT16: 'DT_UINT16',
  UINT32: 'DT_UINT32',
  UINT64: 'DT_UINT64',
  BOOL: 'DT_BOOL',
  BYTES: 'DT_STRING',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The shape of a nested JSON array, or undefined when it is ragged. */
function shapeOf(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return [];
  const inner = value.map(shapeOf);
  const first = inner[0] ?? [];
  if (inner.some((s) => s === undefined || s.join() !== first.join())) return undefined;
  return [value.length, ...first];
}

function nest(data: readonly unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0];
  const [dim = 0, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: dim }, (_, i) => nest(data.slice(i * size, (i + 1) * size), rest));
}

/** Builds and checks one input from nested JSON; the 400 of OVMS when it does not fit. */
function tensorFrom(model: OvmsEmulatorModel, name: string, value: unknown): OvmsTensorValue | Reply {
  const spec = model.inputs.find((i) => i.name === name);
  if (!spec)
    return ovmsError(400, `Missing input with specific name - Required input: ${model.inputs[0]?.name}`);
  const shape = shapeOf(value);
  if (!shape) return ovmsError(400, 'Could not parse input content. Not valid ndarray detected');
  const data = (Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value]) as unknown[];
  if (!data.every((x) => fitsDatatype(spec.datatype, x))) {
    return ovmsError(400, 'Could not parse input content. Unsupported data precision detected');
  }
  if (shape.length !== spec.shape.length || !spec.shape.every((d, i) => d === -1 || d === shape[i])) {
    return ovmsError(
      400,
      `Invalid input shape - Expected: (${spec.shape.join(',')}); Actual: (${shape.join(',')})`,
    );
  }
  return { name, datatype: spec.datatype, shape, data };
}

function run(model: OvmsEmulatorModel, named: Record<string, unknown>): OvmsTensorValue[] | Reply {
  const names = Object.keys(named);
  if (names.length !== model.inputs.length) {
    return ovmsError(
      400,
      `Invalid number of inputs - Expected: ${model.inputs.length}; Actual: ${names.length}`,
    );
  }
  const values = new Map<string, OvmsTensorValue>();
  for (const name of names) {
    const tensor = tensorFrom(model, name, named[name]);
    if ('kind' in tensor) return tensor;
    values.set(name, tensor);
  }
  return model.run(values);
}

function predict(state: OvmsEmulatorState, request: EmulatorRequest, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  const { model } = found;
  if (!state.ready || state.loading.has(model.name))
    return ovmsError(503, 'Model with requested version is not loaded yet');
  const body = request.json;
  if (!isObject(body)) return ovmsError(400, 'Request body should be JSON object');
  const single = model.inputs[0]?.name ?? '';
  if (body.instances !== undefined) {
    if (!Array.isArray(body.instances))
      return ovmsError(400, 'Invalid JSON structure. Nonamed instance is not an array.');
    // Row format: instances are stacked along a new first dimension.
    const named = body.instances.every(isObject);
    const columns: Record<string, unknown[]> = {};
    for (const instance of body.instances) {
      const entries = named
        ? Object.entries(instance as Record<string, unknown>)
        : [[single, instance] as const];
      for (const [name, value] of entries) {
        columns[name] = [...(columns[name] ?? []), value];
      }
    }
    const outputs = run(model, columns);
    if ('kind' in outputs) return outputs;
    const rows = outputs.map((o) => nest(o.data, o.shape) as unknown[]);
    const predictions = rows[0]!.map((_, i) =>
      outputs.length === 1 ? rows[0]![i] : Object.fromEntries(outputs.map((o, k) => [o.name, rows[k]![i]])),
    );
    return { kind: 'json', status: 200, body: { predictions } };
  }
  if (body.inputs !== undefined) {
    const named = isObject(body.inputs) ? body.inputs : { [single]: body.inputs };
    const outputs = run(model, named);
    if ('kind' in outputs) return outputs;
    const value =
      outputs.length === 1
        ? nest(outputs[0]!.data, outputs[0]!.shape)
        : Object.fromEntries(outputs.map((o) => [o.name, nest(o.data, o.shape)]));
    return { kind: 'json', status: 200, body: { outputs: value } };
  }
  return ovmsError(400, 'Invalid JSON structure. Could not detect row or column format');
}

function status(state: OvmsEmulatorState, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  const versions = params.version === undefined ? found.model.versions : [found.version];
  const loading = !state.ready || state.loading.has(found.model.name);
  return {
    kind: 'json',
    status: 200,
    body: {
      model_version_status: versions.map((version) => ({
        version,
        state: loading ? 'LOADING' : 'AVAILABLE',
        status: { error_code: 'OK', error_message: '' },
      })),
    },
  };
}

function signature(tensors: OvmsEmulatorModel['inputs']): Record<string, unknown> {
  return Object.fromEntries(
    tensors.map((t) => [
      t.name,
      {
        dtype: TF_DTYPES[t.datatype] ?? 'DT_INVALID',
        tensorShape: { dim: t.shape.map((d) => ({ size: String(d) })) },
        name: t.name,
      },
    ]),
  );
}

function metadata(state: OvmsEmulatorState, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  const { model, version } = found;
  return {
    kind: 'json',
    status: 200,
    body: {
      modelSpec: { name: model.name, signatureName: '', version },
      metadata: {
        signature_def: {
          '@type': 'type.googleapis.com/tensorflow.serving.SignatureDefMap',
          signatureDef: {
            serving_default: {
              inputs: signature(model.inputs),
              outputs: signature(model.outputs),
              methodName: '',
              defaults: {},
            },
          },
        },
      },
    },
  };
}

/** `name:predict` -> `name`, or undefined for another verb. */
function predictTarget(segment: string | undefined): string | undefined {
  return segment?.endsWith(':predict') ? segment.slice(0, -':predict'.length) : undefined;
}

/** The `/v1` routes, keyed for the emulator's route table. */
export function tfsRoutes(state: OvmsEmulatorState): Record<string, RouteHandler> {
  const invalid = () => ovmsError(400, 'Invalid request URL');
  return {
    'GET /v1/models/:model': (_r, params) => status(state, params),
    'GET /v1/models/:model/versions/:version': (_r, params) => status(state, params),
    'GET /v1/models/:model/metadata': (_r, params) => metadata(state, params),
    'GET /v1/models/:model/versions/:version/metadata': (_r, params) => metadata(state, params),
    'POST /v1/models/:target': (request, params) => {
      const model = predictTarget(params.target);
      return model === undefined ? invalid() : predict(state, request, { model });
    },
    'POST /v1/models/:model/versions/:target': (request, params) => {
      const version = predictTarget(params.target);
      return version === undefined
        ? invalid()
        : predict(state, request, { model: params.model ?? '', version });
    },
    'POST /v1/models/:model/labels/:target': () =>
      ovmsError(404, 'Model with requested version is not found'),
  };
}
