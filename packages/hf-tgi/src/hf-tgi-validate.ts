/** Checks of caller input, run before anything is queued: a bad argument is an InvalidRequestError at once. */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import { isJsonObject } from './hf-tgi-api-types.js';

/** The provider name used in messages and errors. */
export const PROVIDER = 'hf-tgi';

function fail(message: string): never {
  throw new InvalidRequestError(`${PROVIDER}: ${message}`, { provider: PROVIDER });
}

/** `value` must be a plain object. */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (!isJsonObject(value)) fail(`${what} must be an object`);
}

/** `value` must be a non-empty string. */
export function requireText(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value === '') fail(`${what} must be a non-empty string`);
}

/** `value`, when present, must be a non-empty string. */
export function optionalText(value: unknown, what: string): void {
  if (value !== undefined) requireText(value, what);
}

/** `value`, when present, must be a boolean. */
export function optionalBoolean(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${what} must be a boolean`);
}

/** `value`, when present, must be an integer of at least `min`. */
export function optionalInteger(value: unknown, what: string, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    fail(`${what} must be an integer >= ${min}; got ${String(value)}`);
  }
}

/** `value`, when present, must be a finite number with `above < value <= max` (or `< max` when `openMax`). */
export function optionalRange(
  value: unknown,
  what: string,
  range: { above: number; max?: number; openMax?: boolean; hint?: string },
): void {
  if (value === undefined) return;
  const { above, max, openMax } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value > above &&
    (max === undefined || (openMax ? value < max : value <= max));
  if (!ok) {
    const upper = max === undefined ? '' : ` and ${openMax ? '<' : '<='} ${max}`;
    fail(`${what} must be > ${above}${upper}; got ${String(value)}${range.hint ? ` (${range.hint})` : ''}`);
  }
}

/** `value`, when present, must be an array of strings. */
export function optionalStrings(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || s === '')) {
    fail(`${what} must be an array of non-empty strings`);
  }
}

/** `value`, when present, must be a record of string header values. */
export function optionalHeaders(value: unknown): void {
  if (value === undefined) return;
  requireObject(value, 'headers');
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') fail(`header ${name} must be a string`);
  }
}

/** Throws an InvalidRequestError naming the provider. */
export function invalid(message: string): never {
  fail(message);
}
