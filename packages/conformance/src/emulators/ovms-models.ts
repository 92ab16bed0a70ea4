/**
 * The servables of the OVMS emulator: KServe model metadata plus a deterministic computation. The default
 * `dummy` is OVMS's own test model (input `b` FP32 [1,10], output `a` = b + 1); `double` has a dynamic
 * shape and answers `output` = `input` * 2 with the input's shape.
 */

/** A tensor of model metadata; `-1` is a dynamic dimension. */
export interface OvmsTensorSpec {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
}

/** A checked tensor of a request or a computed one of a response (data flat, row-major). */
export interface OvmsTensorValue {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

/** One servable: its metadata and what it computes. */
export interface OvmsEmulatorModel {
  readonly name: string;
  /** Available versions, as strings of digits; the last one is the newest. */
  readonly versions: readonly string[];
  readonly inputs: readonly OvmsTensorSpec[];
  readonly outputs: readonly OvmsTensorSpec[];
  /** Computes the outputs from the inputs by name (already checked against `inputs`). */
  run(inputs: ReadonlyMap<string, OvmsTensorValue>): OvmsTensorValue[];
}

function mapNumbers(tensor: OvmsTensorValue, name: string, f: (x: number) => number): OvmsTensorValue {
  return {
    name,
    datatype: tensor.datatype,
    shape: tensor.shape,
    data: tensor.data.map((x) => f(x as number)),
  };
}

/** OVMS's `dummy` test model: `a = b + 1`, FP32 [1,10]. */
export const DUMMY_MODEL: OvmsEmulatorModel = {
  name: 'dummy',
  versions: ['1'],
  inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10] }],
  outputs: [{ name: 'a', datatype: 'FP32', shape: [1, 10] }],
  run: (inputs) => [mapNumbers(inputs.get('b')!, 'a', (x) => x + 1)],
};

/** A dynamic-shape model: `output = input * 2`, FP32 [-1,-1], in versions 1 and 2. */
export const DOUBLE_MODEL: OvmsEmulatorModel = {
  name: 'double',
  versions: ['1', '2'],
  inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, -1] }],
  outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, -1] }],
  run: (inputs) => [mapNumbers(inputs.get('input')!, 'output', (x) => x * 2)],
};

/** The servables an emulator has unless told otherwise. */
export const DEFAULT_OVMS_MODELS: readonly OvmsEmulatorModel[] = [DUMMY_MODEL, DOUBLE_MODEL];

// Integer ranges as in the client; float types must be finite numbers.
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

/** The KServe v2 datatypes. */
export const KSERVE_DATATYPES: ReadonlySet<string> = new Set([
  'BOOL',
  ...Object.keys(INTEGER_RANGES),
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

/** Whether a JSON value is an element of `datatype`. */
export function fitsDatatype(datatype: string, value: unknown): boolean {
  if (datatype === 'BOOL') return typeof value === 'boolean';
  if (datatype === 'BYTES') return typeof value === 'string';
  const range = INTEGER_RANGES[datatype];
  if (range)
    return typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1];
  return typeof value === 'number' && Number.isFinite(value);
}
