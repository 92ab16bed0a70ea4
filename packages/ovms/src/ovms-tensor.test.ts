import type { Tensor } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { elementCount, validateTensor, validateTensors, valueProblem } from './ovms-tensor.js';

const ok = (tensor: Partial<Tensor>): Tensor =>
  ({ name: 'x', datatype: 'FP32', shape: [2, 2], data: [1, 2, 3, 4], ...tensor }) as Tensor;

function problem(tensor: unknown): string {
  try {
    validateTensor(tensor, 'inputs[0]');
  } catch (error) {
    expect(error).toMatchObject({ name: 'InvalidRequestError', code: 'invalid_request', provider: 'ovms' });
    return (error as Error).message;
  }
  return 'valid';
}

describe('validateTensor', () => {
  it('accepts a well-formed tensor of each datatype', () => {
    expect(problem(ok({}))).toBe('valid');
    expect(problem(ok({ datatype: 'BOOL', shape: [3], data: [true, false, true] }))).toBe('valid');
    expect(problem(ok({ datatype: 'BYTES', shape: [1, 2], data: ['a', ''] }))).toBe('valid');
    expect(problem(ok({ datatype: 'INT8', shape: [2], data: [-128, 127] }))).toBe('valid');
    expect(problem(ok({ datatype: 'UINT32', shape: [1], data: [4_294_967_295] }))).toBe('valid');
    expect(problem(ok({ datatype: 'INT64', shape: [], data: [Number.MAX_SAFE_INTEGER] }))).toBe('valid');
    expect(problem(ok({ datatype: 'FP16', shape: [0, 3], data: [] }))).toBe('valid');
  });

  it('refuses data whose length is not the product of the shape', () => {
    expect(problem(ok({ shape: [2, 3] }))).toMatch(/data has 4 values but shape \[2, 3\] holds 6/);
    expect(problem(ok({ shape: [], data: [1, 2] }))).toMatch(/holds 1/);
  });

  it('refuses values that do not fit the datatype', () => {
    expect(problem(ok({ datatype: 'INT32', data: [1, 2, 3.5, 4] }))).toMatch(/data\[2\] must be an integer/);
    expect(problem(ok({ datatype: 'INT8', data: [1, 2, 3, 128] }))).toMatch(/from -128 to 127/);
    expect(problem(ok({ datatype: 'UINT8', data: [1, -1, 3, 4] }))).toMatch(/data\[1\].*from 0 to 255/);
    expect(problem(ok({ datatype: 'UINT64', data: [1, 2, 3, 2 ** 60] }))).toMatch(/data\[3\]/);
    expect(problem(ok({ datatype: 'BOOL', data: [true, 1, false, true] }))).toMatch(
      /data\[1\] must be a boolean/,
    );
    expect(problem(ok({ datatype: 'BYTES', data: ['a', 'b', 3, 'd'] }))).toMatch(
      /data\[2\] must be a string/,
    );
    expect(problem(ok({ data: [1, Number.NaN, 3, 4] }))).toMatch(/data\[1\] must be a finite number/);
    expect(problem(ok({ data: [1, 2, Number.POSITIVE_INFINITY, 4] }))).toMatch(/data\[2\]/);
    expect(problem(ok({ datatype: 'FP16', data: [1, 2, 3, 70_000] }))).toMatch(/within ±65504/);
    expect(problem(ok({ data: [1, '2', 3, 4] }))).toMatch(/data\[1\] must be a finite number.*"2"/);
  });

  it('refuses bad names, datatypes, shapes, nested data and parameters', () => {
    expect(problem(ok({ name: '' }))).toMatch(/name must be a non-empty string/);
    expect(problem(ok({ datatype: 'FLOAT32' as Tensor['datatype'] }))).toMatch(
      /datatype must be one of BOOL/,
    );
    expect(problem(ok({ shape: [2, -2] }))).toMatch(/shape\[1\] must be a non-negative integer/);
    expect(problem(ok({ shape: [2, 1.5] }))).toMatch(/shape\[1\]/);
    expect(problem(ok({ shape: 4 as unknown as number[] }))).toMatch(/shape must be an array/);
    expect(problem(ok({ shape: [2, 2], data: [[1, 2] as unknown as number, 3, 4, 5] }))).toMatch(/flat/);
    expect(problem(ok({ data: undefined as unknown as number[] }))).toMatch(/data must be an array/);
    expect(problem(ok({ parameters: [] as unknown as Record<string, unknown> }))).toMatch(/parameters/);
    expect(problem(null)).toMatch(/must be an object/);
  });

  it('refuses an empty list and duplicate names', () => {
    expect(() => validateTensors([], 'inputs')).toThrow(/non-empty array/);
    expect(() => validateTensors([ok({}), ok({})], 'inputs')).toThrow(/"x" is used twice/);
  });
});

describe('helpers', () => {
  it('counts elements and names the expected kind of value', () => {
    expect(elementCount([])).toBe(1);
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([5, 0])).toBe(0);
    expect(valueProblem('FP64', 1e300)).toBeUndefined();
    expect(valueProblem('FP32', 1e39)).toMatch(/finite number/);
    expect(valueProblem('INT16', 40_000)).toMatch(/-32768 to 32767/);
  });
});
