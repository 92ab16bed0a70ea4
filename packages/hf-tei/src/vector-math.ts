/**
 * The seed's two helpers (`normalize_embedding`, `calculate_similarity`) as pure functions over plain
 * number arrays. Input is validated: a NaN hidden in a vector would otherwise poison every score that
 * touches it without a trace.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';

function checkVector(vector: unknown, name: string): asserts vector is readonly number[] {
  if (!Array.isArray(vector) || vector.length === 0) {
    throw new InvalidRequestError(`${name} must be a non-empty array of numbers`);
  }
  for (let i = 0; i < vector.length; i++) {
    const value: unknown = vector[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidRequestError(`${name}[${i}] must be a finite number; got ${String(value)}`);
    }
  }
}

function norm(vector: readonly number[]): number {
  let sum = 0;
  for (const value of vector) sum += value * value;
  return Math.sqrt(sum);
}

/**
 * The vector scaled to unit length (L2 norm 1), as a new array. A zero vector has no direction and is
 * returned as zeros (the seed divided by zero and produced NaNs).
 * @throws InvalidRequestError when `vector` is not a non-empty array of finite numbers
 */
export function l2Normalize(vector: readonly number[]): number[] {
  checkVector(vector, 'vector');
  const length = norm(vector);
  if (length === 0) return vector.map(() => 0);
  return vector.map((value) => value / length);
}

/**
 * The cosine of the angle between `a` and `b`, in [-1, 1] (the seed normalised both, then took the dot
 * product). 0 when either vector is all zeros.
 * @throws InvalidRequestError when either is not a non-empty array of finite numbers, or their lengths differ
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  checkVector(a, 'a');
  checkVector(b, 'b');
  if (a.length !== b.length) {
    throw new InvalidRequestError(`vectors of different dimensions: ${a.length} and ${b.length}`);
  }
  const lengths = norm(a) * norm(b);
  if (lengths === 0) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
  // Rounding can push the quotient a hair past ±1; a cosine never is.
  return Math.max(-1, Math.min(1, dot / lengths));
}
