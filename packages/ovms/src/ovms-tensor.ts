/**
 * KServe v2 tensors: the datatypes, their value ranges, and the checks a tensor must pass before it is sent
 * (a shape of non-negative integers, exactly as many values as the shape holds, each value of the datatype).
 * OVMS answers a mismatch with a 400 after a round trip; we refuse it before the queue.
 */

import type { Tensor, TensorDatatype } from '@ipfs-accelerate/core';
import { isPlainObject } from '@ipfs-accelerate/core';
import { check } from './ovms-validate.js';

/** Every datatype of the KServe v2 protocol, in the order the specification lists them. */
export const TENSOR_DATATYPES: readonly TensorDatatype[] = Object.freeze([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

const DATATYPES: ReadonlySet<string> = new Set(TENSOR_DATATYPES);

/** Whether `value` names a KServe v2 datatype. */
export function isTensorDatatype(value: unknown): value is TensorDatatype {
  return typeof value === 'string' && DATATYPES.has(value);
}

// Integer ranges; 64-bit types stop at the safe-integer range, beyond which a JS number is not exact.
const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  INT8: [-128, 127],
  INT16: [-32_768, 32_767],
  INT32: [-2_147_483_648, 2_147_483_647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UINT8: [0, 255],
  UINT16: [0, 65_535],
  UINT32: [0, 4_294_967_295],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
};

// Largest finite magnitude of each float type.
const FLOAT_MAX: Readonly<Record<string, number>> = {
  FP16: 65_504,
  FP32: 3.4028234663852886e38,
  FP64: Number.MAX_VALUE,
};

/** Why `value` is not a value of `datatype`, or undefined when it is one. */
export function valueProblem(datatype: TensorDatatype, value: unknown): string | undefined {
  if (datatype === 'BOOL') return typeof value === 'boolean' ? undefined : 'a boolean';
  if (datatype === 'BYTES') return typeof value === 'string' ? undefined : 'a string';
  const range = INTEGER_RANGES[datatype];
  if (range) {
    const ok = typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1];
    return ok ? undefined : `an integer from ${range[0]} to ${range[1]}`;
  }
  const max = FLOAT_MAX[datatype] ?? Number.MAX_VALUE;
  const ok = typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= max;
  return ok ? undefined : `a finite number within ±${max}`;
}

/** The number of elements a shape holds (1 for a scalar `[]`). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** A shape of non-negative integers whose element count is exact in a JS number. */
export function checkShape(shape: unknown, where: string): asserts shape is number[] {
  if (!Array.isArray(shape)) check.fail(`${where}.shape must be an array of non-negative integers`);
  shape.forEach((dim: unknown, i) => {
    if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 0) {
      check.fail(`${where}.shape[${i}] must be a non-negative integer; got ${describe(dim)}`);
    }
  });
  if (!Number.isSafeInteger(elementCount(shape))) check.fail(`${where}.shape holds too many elements`);
}

/**
 * Checks one tensor of a request: a non-empty name, a known datatype, a shape of non-negative integers, flat
 * row-major `data` with exactly the shape's element count, every value of the datatype (integers within the
 * range of INT and UINT types, booleans for BOOL, strings for BYTES, finite numbers in range for FP types),
 * and an object for `parameters`. Throws InvalidRequestError naming the tensor and the element.
 */
export function validateTensor(tensor: unknown, where: string): asserts tensor is Tensor {
  if (!isPlainObject(tensor)) check.fail(`${where} must be an object`);
  check.name(tensor.name, `${where}.name`);
  const label = `${where} (${tensor.name})`;
  if (!isTensorDatatype(tensor.datatype)) {
    check.fail(
      `${label}.datatype must be one of ${TENSOR_DATATYPES.join(', ')}; got ${describe(tensor.datatype)}`,
    );
  }
  checkShape(tensor.shape, label);
  if (!Array.isArray(tensor.data)) check.fail(`${label}.data must be an array (flat, row-major)`);
  const expected = elementCount(tensor.shape);
  if (tensor.data.length !== expected) {
    check.fail(
      `${label}.data has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] holds ${expected}`,
    );
  }
  const { datatype, data } = tensor;
  for (let i = 0; i < data.length; i++) {
    const value: unknown = data[i];
    if (Array.isArray(value)) check.fail(`${label}.data must be flat (row-major); data[${i}] is an array`);
    const problem = valueProblem(datatype, value);
    if (problem) check.fail(`${label}.data[${i}] must be ${problem} for ${datatype}; got ${describe(value)}`);
  }
  check.optionalObject(tensor.parameters, `${label}.parameters`);
}

/** Checks a list of tensors and that their names are unique. */
export function validateTensors(tensors: unknown, what: string): asserts tensors is Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0)
    check.fail(`${what} must be a non-empty array of tensors`);
  const names = new Set<string>();
  tensors.forEach((tensor, i) => {
    validateTensor(tensor, `${what}[${i}]`);
    if (names.has(tensor.name))
      check.fail(`${what}[${i}]: the name ${JSON.stringify(tensor.name)} is used twice`);
    names.add(tensor.name);
  });
}
