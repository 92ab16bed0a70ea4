/**
 * Small checks of caller input shared by every OVMS operation, run before anything is queued or sent: a
 * mistake fails at once with an InvalidRequestError naming the field, never as a 400 after a round trip.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';

/** The provider name on every error this package raises. */
export const OVMS_PROVIDER = 'ovms';

/** Throws the InvalidRequestError of a bad argument, prefixed with the provider. */
export function fail(message: string): never {
  throw new InvalidRequestError(`ovms: ${message}`, { provider: OVMS_PROVIDER });
}

/** Whether `value` is a plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value is a plain object. */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) fail(`${what} must be an object`);
}

/** An optional plain object (`parameters`, `providerOptions`). */
export function optionalObject(value: unknown, what: string): void {
  if (value !== undefined) requireObject(value, what);
}

/** A non-empty string. */
export function requireName(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') fail(`${what} must be a non-empty string`);
}

/** An optional positive integer. */
export function optionalPositiveInteger(value: unknown, what: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    fail(`${what} must be a positive integer; got ${String(value)}`);
  }
}

/** An optional boolean. */
export function optionalBoolean(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${what} must be a boolean`);
}

/**
 * A model version as OVMS numbers them: a positive integer (or its digits). `'latest'`, `''` and undefined
 * mean "no version in the URL" (the server picks the newest), as the seed's `OVMS_VERSION=latest` did.
 */
export function normalizeVersion(value: unknown, what = 'version'): string | undefined {
  if (value === undefined || value === null || value === '' || value === 'latest') return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9][0-9]*$/.test(text)) {
    fail(`${what} must be a positive integer or 'latest'; got ${JSON.stringify(value)}`);
  }
  return text;
}

/** `/{prefix}/models/{name}[/versions/{v}]`, the model name percent-encoded (ids may contain `/`). */
export function modelPath(prefix: string, model: string, version: string | undefined): string {
  const base = `${prefix}/models/${encodeURIComponent(model)}`;
  return version === undefined ? base : `${base}/versions/${version}`;
}
