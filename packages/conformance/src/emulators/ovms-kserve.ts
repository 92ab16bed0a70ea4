/**
 * The KServe v2 REST routes of the OVMS emulator (`docs/model_server_rest_api_kfs.md`): health, server and
 * model metadata, model readiness and inference, with OVMS's datatype and shape validation and its error
 * messages (`src/status.cpp`) in `{"error": "…"}` bodies: missing model or version 404, bad input 400, not
 * ready 503.
 */
import type { EmulatorRequest, JsonReply, Reply, RouteHandler, RouteParams } from '../emulator/types.js';
import {
  fitsDatatype,
  KSERVE_DATATYPES,
  type OvmsEmulatorModel,
  type OvmsTensorSpec,
  type OvmsTensorValue,
} from './ovms-models.js';

/** What the routes of one emulator share. */
export interface OvmsEmulatorState {
  /** `/v2/health/ready`; when false, readiness is 503 and inference answers 503 too. */
  ready: boolean;
  readonly models: ReadonlyMap<string, OvmsEmulatorModel>;
  /** Models loaded but not ready yet (readiness and inference 503). */
  readonly loading: Set<string>;
}

/** The OVMS version the emulator reports in `GET /v2`. */
export const OVMS_EMULATOR_VERSION = '2025.3.0';

/** An OVMS error reply: `{"error": "<message>"}`. */
export function ovmsError(status: number, message: string): JsonReply {
  return { kind: 'json', status, body: { error: message } };
}

const OK_EMPTY: JsonReply = { kind: 'json', status: 200, body: undefined, contentType: 'application/json' };

/** The model and version a path names, or the 404 OVMS gives. */
export function resolveModel(
  state: OvmsEmulatorState,
  params: RouteParams,
): { model: OvmsEmulatorModel; version: string } | JsonReply {
  const model = state.models.get(params.model ?? '');
  if (!model) return ovmsError(404, 'Model with requested name is not found');
  if (params.version === undefined) return { model, version: model.versions.at(-1) ?? '1' };
  if (!model.versions.includes(params.version)) {
    return /^[0-9]+$/.test(params.version)
      ? ovmsError(404, 'Model with requested version is not found')
      : ovmsError(400, 'Could not parse model version in request');
  }
  return { model, version: params.version };
}

function notReady(state: OvmsEmulatorState, model: OvmsEmulatorModel): JsonReply | undefined {
  return !state.ready || state.loading.has(model.name)
    ? ovmsError(503, 'Model with requested version is not loaded yet')
    : undefined;
}

const shapeText = (shape: readonly unknown[]) => `(${shape.join(',')})`;

function flatten(data: readonly unknown[], out: unknown[]): void {
  for (const item of data) {
    if (Array.isArray(item)) flatten(item, out);
    else out.push(item);
  }
}

/** Checks one request input against its metadata, as OVMS does; returns the value or the 400. */
function checkInput(input: Record<string, unknown>, spec: OvmsTensorSpec): OvmsTensorValue | JsonReply {
  const { datatype, shape, data } = input;
  if (typeof datatype !== 'string' || !KSERVE_DATATYPES.has(datatype)) {
    return ovmsError(
      400,
      `Invalid input precision - Expected: ${spec.datatype}; Actual: ${String(datatype)}`,
    );
  }
  if (datatype !== spec.datatype) {
    return ovmsError(400, `Invalid input precision - Expected: ${spec.datatype}; Actual: ${datatype}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    return ovmsError(400, 'Invalid JSON structure. Could not parse input shape');
  }
  if (shape.length !== spec.shape.length) {
    const detail = `Expected: ${shapeText(spec.shape)}; Actual: ${shapeText(shape)}`;
    return ovmsError(400, `Invalid number of shape dimensions - ${detail}`);
  }
  if (!spec.shape.every((dim, i) => dim === -1 || dim === shape[i])) {
    return ovmsError(
      400,
      `Invalid input shape - Expected: ${shapeText(spec.shape)}; Actual: ${shapeText(shape)}`,
    );
  }
  if (!Array.isArray(data)) return ovmsError(400, 'Invalid JSON structure. Missing data in input');
  const flat: unknown[] = [];
  flatten(data, flat);
  const expected = (shape as number[]).reduce((a, b) => a * b, 1);
  if (flat.length !== expected) {
    return ovmsError(
      400,
      `Invalid number of values in tensor proto container - Expected: ${expected}; Actual: ${flat.length}`,
    );
  }
  if (!flat.every((value) => fitsDatatype(datatype, value))) {
    return ovmsError(400, 'Could not parse input content. Not valid ndarray detected');
  }
  return { name: spec.name, datatype, shape: shape as number[], data: flat };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `POST /v2/models/{m}[/versions/{v}]/infer`. */
function infer(state: OvmsEmulatorState, request: EmulatorRequest, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  const { model, version } = found;
  const unavailable = notReady(state, model);
  if (unavailable) return unavailable;
  const body = request.json;
  if (!isObject(body)) return ovmsError(400, 'Request body should be JSON object');
  if (!Array.isArray(body.inputs)) return ovmsError(400, 'Invalid JSON structure, missing inputs');
  if (body.inputs.length !== model.inputs.length) {
    const detail = `Expected: ${model.inputs.length}; Actual: ${body.inputs.length}`;
    return ovmsError(400, `Invalid number of inputs - ${detail}`);
  }
  const values = new Map<string, OvmsTensorValue>();
  for (const spec of model.inputs) {
    const input = body.inputs.find((i: unknown) => isObject(i) && i.name === spec.name);
    if (!isObject(input))
      return ovmsError(400, `Missing input with specific name - Required input: ${spec.name}`);
    const checked = checkInput(input, spec);
    if ('kind' in checked) return checked;
    values.set(spec.name, checked);
  }
  let outputs = model.run(values);
  if (body.outputs !== undefined) {
    if (
      !Array.isArray(body.outputs) ||
      !body.outputs.every((o: unknown) => isObject(o) && typeof o.name === 'string')
    ) {
      return ovmsError(400, 'Could not parse output content.');
    }
    const wanted = body.outputs.map((o: Record<string, unknown>) => o.name as string);
    const missing = wanted.find((name) => !model.outputs.some((o) => o.name === name));
    if (missing) return ovmsError(400, `Missing output with specific name - Required output: ${missing}`);
    outputs = outputs.filter((o) => wanted.includes(o.name));
  }
  const response: Record<string, unknown> = { model_name: model.name, model_version: version };
  if (typeof body.id === 'string') response.id = body.id;
  response.outputs = outputs.map((o) => ({
    name: o.name,
    shape: o.shape,
    datatype: o.datatype,
    data: o.data,
  }));
  return { kind: 'json', status: 200, body: response };
}

function metadata(state: OvmsEmulatorState, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  const { model } = found;
  return {
    kind: 'json',
    status: 200,
    body: {
      name: model.name,
      versions: model.versions,
      platform: 'OpenVINO',
      inputs: model.inputs,
      outputs: model.outputs,
    },
  };
}

function modelReady(state: OvmsEmulatorState, params: RouteParams): Reply {
  const found = resolveModel(state, params);
  if ('kind' in found) return found;
  return notReady(state, found.model) ?? OK_EMPTY;
}

/** The KServe v2 routes, keyed for the emulator's route table. */
export function kserveRoutes(state: OvmsEmulatorState): Record<string, RouteHandler> {
  const serverMetadata: RouteHandler = () => ({
    kind: 'json',
    status: 200,
    body: { name: 'OpenVINO Model Server', version: OVMS_EMULATOR_VERSION, extensions: [] },
  });
  return {
    'GET /v2/health/live': () => OK_EMPTY,
    'GET /v2/health/ready': () => (state.ready ? OK_EMPTY : ovmsError(503, 'Server is not ready')),
    'GET /v2': serverMetadata,
    'GET /v2/': serverMetadata,
    'GET /v2/models/:model': (_r, params) => metadata(state, params),
    'GET /v2/models/:model/versions/:version': (_r, params) => metadata(state, params),
    'GET /v2/models/:model/ready': (_r, params) => modelReady(state, params),
    'GET /v2/models/:model/versions/:version/ready': (_r, params) => modelReady(state, params),
    'POST /v2/models/:model/infer': (request, params) => infer(state, request, params),
    'POST /v2/models/:model/versions/:version/infer': (request, params) => infer(state, request, params),
  };
}
