/**
 * Checks of caller input, run before anything is queued: a wrong argument is an InvalidRequestError naming
 * the field, never a round trip to the service.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import type { JsonObject } from './claude-api-types.js';

/** The provider name on every error of this package. */
export const PROVIDER = 'claude';

/** An InvalidRequestError with the provider prefix. */
export function invalid(message: string): InvalidRequestError {
  return new InvalidRequestError(`claude: ${message}`, { provider: PROVIDER });
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws unless `value` is a JSON object. */
export function requireObject(value: unknown, name: string): asserts value is JsonObject {
  if (!isJsonObject(value)) throw invalid(`${name} must be an object`);
}

/** Throws unless `value` is a non-empty string. */
export function requireString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} must be a non-empty string`);
}

/** Limits of {@link optionalNumber}. */
export interface NumberLimits {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** Throws unless `value` is undefined or a finite number within the limits. */
export function optionalNumber(value: unknown, name: string, limits: NumberLimits = {}): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${name} must be a finite number`);
  if (limits.integer && !Number.isInteger(value)) throw invalid(`${name} must be an integer`);
  if (limits.min !== undefined && value < limits.min) throw invalid(`${name} must be at least ${limits.min}`);
  if (limits.max !== undefined && value > limits.max) throw invalid(`${name} must be at most ${limits.max}`);
}

/** Throws unless `value` is undefined or an array of non-empty strings. */
export function optionalStringArray(value: unknown, name: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw invalid(`${name} must be an array of strings`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item === '') throw invalid(`${name}[${i}] must be a non-empty string`);
  });
}
