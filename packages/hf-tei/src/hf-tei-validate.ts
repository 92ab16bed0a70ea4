/** Caller input checks, run before anything is queued or sent: a bad request costs no network call. */
import { InvalidRequestError } from '@ipfs-accelerate/core';

/** Fails with an InvalidRequestError that names the provider. */
export function fail(message: string): never {
  throw new InvalidRequestError(`hf-tei: ${message}`, { provider: 'hf-tei' });
}

/** Checks that `value` is a plain object. */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
}

/** Checks an optional boolean. */
export function optionalBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${name} must be a boolean`);
}

/** Checks an optional non-empty string. */
export function optionalString(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    fail(`${name} must be a non-empty string`);
  }
}

/** Checks an optional positive integer. */
export function optionalPositiveInteger(value: unknown, name: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 1)) {
    fail(`${name} must be a positive integer; got ${String(value)}`);
  }
}

/** `inputs` as a list: one string, or a non-empty array of strings. */
export function textList(value: unknown, name: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0) {
    fail(`${name} must be a string or a non-empty array of strings`);
  }
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string') fail(`${name}[${i}] must be a string`);
  });
  return value as string[];
}

/** Checks a token id: a non-negative 32-bit integer. */
export function checkTokenId(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    fail(`${where} must be a non-negative integer token id; got ${String(value)}`);
  }
}
