/**
 * Checks of caller input, run before anything is queued or sent: a mistake fails at once with an
 * InvalidRequestError that names the field, never as a 400 after a round trip.
 */
import { InvalidRequestError, ResponseFormatError } from '@ipfs-accelerate/core';

/** A plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request is a plain object. */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) throw new InvalidRequestError(`gemini: ${what} must be an object`);
}

/** An optional plain object (`providerOptions`, a JSON Schema). */
export function optionalObject(value: unknown, what: string): void {
  if (value !== undefined) requireObject(value, what);
}

/** An optional finite number within `[min, max]`, an integer when asked. */
export function optionalNumber(
  value: unknown,
  name: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): void {
  if (value === undefined) return;
  const { min = -Infinity, max = Infinity, integer = false } = range;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    const bounds = [
      Number.isFinite(min) ? `>= ${min}` : undefined,
      Number.isFinite(max) ? `<= ${max}` : undefined,
    ]
      .filter(Boolean)
      .join(' and ');
    throw new InvalidRequestError(
      `gemini: ${name} must be ${kind}${bounds ? ` ${bounds}` : ''}; got ${String(value)}`,
    );
  }
}

/** An optional array of strings (`stop`). */
export function optionalStringArray(value: unknown, name: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidRequestError(`gemini: ${name} must be an array of strings`);
  }
}

/** A JSON object from a response, or a ResponseFormatError naming what was expected. */
export function responseObject<T>(value: unknown, what: string): T {
  if (!isPlainObject(value)) throw new ResponseFormatError(`gemini: ${what} is not a JSON object`);
  return value as T;
}
