/**
 * The KServe v2 REST dialect of OVMS (`/v2`): the infer body from a checked request, and the server
 * metadata, model metadata and infer responses read back defensively (a wrong shape is a ResponseFormatError).
 */
import {
  isPlainObject,
  ResponseFormatError,
  type Tensor,
  type TensorInferenceRequest,
  type TensorInferenceResult,
} from '@ipfs-accelerate/core';
import { elementCount, isTensorDatatype, validateTensors } from './ovms-tensor.js';
import { check, OVMS_PROVIDER } from './ovms-validate.js';

/** An infer request: the common one plus KServe's request `id`, echoed back in the response. */
export interface OvmsInferRequest extends TensorInferenceRequest {
  /** Sent as the KServe `id`; the server echoes it. */
  id?: string;
}

/** An infer result: the common one plus the echoed `id` and the response `parameters`. */
export interface OvmsInferResult extends TensorInferenceResult {
  id?: string;
  parameters?: Record<string, unknown>;
}

/** `GET /v2`: the server's name, version and protocol extensions. */
export interface KServeServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

/** A tensor as model metadata describes it; `-1` in `shape` is a dynamic dimension. */
export interface KServeTensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** `GET /v2/models/{name}[/versions/{v}]`. */
export interface KServeModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: KServeTensorMetadata[];
  outputs: KServeTensorMetadata[];
  /** OVMS's `rt_info` (the model's runtime information), when the server sends it. */
  rtInfo?: Record<string, unknown>;
}

function bad(message: string): ResponseFormatError {
  return new ResponseFormatError(`ovms: ${message}`, { provider: OVMS_PROVIDER });
}

/**
 * Checks an infer request (inputs, requested outputs, parameters, id) and builds the JSON body of
 * `POST /v2/models/{name}[/versions/{v}]/infer`. Outputs asking for the binary extension are refused: this
 * client speaks the JSON form only.
 */
export function buildInferBody(request: OvmsInferRequest): Record<string, unknown> {
  validateTensors(request.inputs, 'inputs');
  if (request.id !== undefined && typeof request.id !== 'string') check.fail('id must be a string');
  check.optionalObject(request.parameters, 'parameters');
  const body: Record<string, unknown> = {};
  if (request.id !== undefined) body.id = request.id;
  if (request.parameters !== undefined) body.parameters = request.parameters;
  body.inputs = request.inputs.map((tensor) => {
    const input: Record<string, unknown> = {
      name: tensor.name,
      shape: tensor.shape,
      datatype: tensor.datatype,
      data: tensor.data,
    };
    if (tensor.parameters !== undefined) input.parameters = tensor.parameters;
    return input;
  });
  if (request.outputs !== undefined) body.outputs = checkOutputs(request.outputs);
  return body;
}

function checkOutputs(outputs: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(outputs)) check.fail('outputs must be an array of { name, parameters? }');
  const names = new Set<string>();
  return outputs.map((output: unknown, i) => {
    check.object(output, `outputs[${i}]`);
    check.name(output.name, `outputs[${i}].name`);
    if (names.has(output.name))
      check.fail(`outputs[${i}]: the name ${JSON.stringify(output.name)} is used twice`);
    names.add(output.name);
    check.optionalObject(output.parameters, `outputs[${i}].parameters`);
    const parameters = output.parameters as Record<string, unknown> | undefined;
    if (parameters?.binary_data === true) {
      check.fail(`outputs[${i}]: binary_data is not supported; this client reads JSON tensors`);
    }
    return parameters === undefined ? { name: output.name } : { name: output.name, parameters };
  });
}

/**
 * Row-major values of nested arrays, without recursion: a body can nest them deeper than the stack goes.
 * Each value must be of the datatype's kind (boolean for BOOL, string for BYTES, number otherwise); the
 * first one that is not is returned as `bad`.
 */
function flatten(
  data: unknown[],
  kind: 'boolean' | 'string' | 'number',
  out: unknown[],
): { ok: true } | { ok: false; bad: unknown } {
  const stack: Array<{ items: unknown[]; at: number }> = [{ items: data, at: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { items: unknown[]; at: number };
    if (top.at >= top.items.length) {
      stack.pop();
      continue;
    }
    const item = top.items[top.at++];
    if (Array.isArray(item)) stack.push({ items: item, at: 0 });
    else if (typeof item !== kind) return { ok: false, bad: item };
    else out.push(item);
  }
  return { ok: true };
}

function kindOf(datatype: Tensor['datatype']): 'boolean' | 'string' | 'number' {
  return datatype === 'BOOL' ? 'boolean' : datatype === 'BYTES' ? 'string' : 'number';
}

/** A value for a message: a string quoted and cut short, anything else by its kind (never coerced). */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

function readTensor(value: unknown, where: string): Tensor {
  if (!isPlainObject(value)) throw bad(`${where} is not an object`);
  const { name, datatype, shape, data, parameters } = value;
  if (typeof name !== 'string') throw bad(`${where}.name is not a string`);
  if (!isTensorDatatype(datatype))
    throw bad(`${where} (${name}) has an unknown datatype ${describeValue(datatype)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad(`${where} (${name}).shape is not an array of non-negative integers`);
  }
  if (!Array.isArray(data)) {
    const binary = isPlainObject(parameters) && parameters.binary_data_size !== undefined;
    throw bad(`${where} (${name}) has no JSON data${binary ? ' (it came as binary data)' : ''}`);
  }
  // KServe allows nested data; the common Tensor is flat, row-major.
  const flat: unknown[] = [];
  const kind = kindOf(datatype);
  const read = flatten(data, kind, flat);
  if (!read.ok)
    throw bad(`${where} (${name}) holds ${describeValue(read.bad)} where ${datatype} needs a ${kind}`);
  const expected = elementCount(shape as number[]);
  if (flat.length !== expected) {
    throw bad(`${where} (${name}) has ${flat.length} values for shape [${shape.join(', ')}] (${expected})`);
  }
  const tensor: Tensor = {
    name,
    datatype,
    shape: shape as number[],
    data: flat as Tensor['data'],
  };
  if (isPlainObject(parameters)) tensor.parameters = parameters;
  return tensor;
}

/** Reads an infer response: `model_name`, `model_version`, `id`, `parameters` and flat output tensors. */
export function parseInferResponse(body: unknown): Omit<OvmsInferResult, 'requestId' | 'providerRequestId'> {
  if (!isPlainObject(body)) throw bad('infer response is not a JSON object');
  if (typeof body.model_name !== 'string') throw bad('infer response has no model_name');
  if (!Array.isArray(body.outputs)) throw bad('infer response has no outputs array');
  const result: Omit<OvmsInferResult, 'requestId' | 'providerRequestId'> = {
    model: body.model_name,
    outputs: body.outputs.map((output, i) => readTensor(output, `outputs[${i}]`)),
  };
  if (typeof body.model_version === 'string' && body.model_version !== '')
    result.version = body.model_version;
  if (typeof body.id === 'string' && body.id !== '') result.id = body.id;
  if (isPlainObject(body.parameters)) result.parameters = body.parameters;
  return result;
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Reads `GET /v2`. */
export function parseServerMetadata(body: unknown): KServeServerMetadata {
  if (!isPlainObject(body) || typeof body.name !== 'string') throw bad('server metadata has no name');
  return {
    name: body.name,
    version: typeof body.version === 'string' ? body.version : '',
    extensions: stringArray(body.extensions),
  };
}

function readMetadataTensors(value: unknown, where: string): KServeTensorMetadata[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`model metadata ${where} is not an array`);
  return value.map((t: unknown, i) => {
    if (!isPlainObject(t) || typeof t.name !== 'string' || typeof t.datatype !== 'string') {
      throw bad(`model metadata ${where}[${i}] has no name or datatype`);
    }
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= -1)) {
      throw bad(`model metadata ${where}[${i}] (${t.name}).shape is not an array of integers`);
    }
    return { name: t.name, datatype: t.datatype, shape: t.shape as number[] };
  });
}

/** Reads `GET /v2/models/{name}[/versions/{v}]`. */
export function parseModelMetadata(body: unknown): KServeModelMetadata {
  if (!isPlainObject(body) || typeof body.name !== 'string') throw bad('model metadata has no name');
  const metadata: KServeModelMetadata = {
    name: body.name,
    versions: stringArray(body.versions),
    platform: typeof body.platform === 'string' ? body.platform : '',
    inputs: readMetadataTensors(body.inputs, 'inputs'),
    outputs: readMetadataTensors(body.outputs, 'outputs'),
  };
  if (isPlainObject(body.rt_info)) metadata.rtInfo = body.rt_info;
  return metadata;
}
