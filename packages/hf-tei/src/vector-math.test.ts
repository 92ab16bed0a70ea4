import { describe, expect, it } from 'vitest';
import { cosineSimilarity, l2Normalize } from './vector-math.js';

describe('l2Normalize', () => {
  it('scales a vector to unit length without touching the input', () => {
    const input = [3, 4];
    expect(l2Normalize(input)).toEqual([0.6, 0.8]);
    expect(input).toEqual([3, 4]);
  });

  it('returns zeros for a zero vector instead of NaN', () => {
    expect(l2Normalize([0, 0, 0])).toEqual([0, 0, 0]);
  });

  it('refuses empty, non-array and non-finite input', () => {
    expect(() => l2Normalize([])).toThrow(/non-empty array/);
    expect(() => l2Normalize('1,2' as unknown as number[])).toThrow(/non-empty array/);
    expect(() => l2Normalize([1, Number.NaN])).toThrow(/vector\[1\] must be a finite number/);
    expect(() => l2Normalize([1, Number.POSITIVE_INFINITY])).toThrow(
      expect.objectContaining({ code: 'invalid_request' }),
    );
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for parallel, 0 for orthogonal and -1 for opposite vectors, whatever their length', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, 1], [-3, -3])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('stays within [-1, 1] despite rounding', () => {
    const v = [0.1, 0.2, 0.7, 1e-9];
    const c = cosineSimilarity(v, v);
    expect(c).toBeLessThanOrEqual(1);
    expect(c).toBeCloseTo(1, 12);
  });

  it('is 0 against a zero vector and refuses vectors of different lengths', () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0);
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(/different dimensions: 2 and 3/);
    expect(() => cosineSimilarity([1], [Number.NaN])).toThrow(/b\[0\]/);
  });
});
