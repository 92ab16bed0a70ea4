/** Checks of caller input: each throws InvalidRequestError before anything reaches the network. */
import { InvalidRequestError } from '@ipfs-accelerate/core';

/** Throws the InvalidRequestError of a caller mistake, prefixed `llvm:`. */
export function invalid(message: string): never {
  throw new InvalidRequestError(`llvm: ${message}`);
}

const fail = invalid;

/** A plain object (not null, not an array). */
export function requireObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
}

/** A model id: a non-empty string of at most 512 characters. */
export function requireModel(model: unknown): string {
  if (typeof model !== 'string' || model.trim() === '') return fail('model must be a non-empty string');
  if ((model as string).length > 512) fail('model must be at most 512 characters');
  return model as string;
}

/** The path of a model's route: `/models/<id percent-encoded>/<suffix>`. */
export function modelPath(model: string, suffix = ''): string {
  return `/models/${encodeURIComponent(model)}${suffix}`;
}

/** An inference input: any JSON value but null or undefined (functions, symbols and bigints are not JSON). */
export function requireInput(value: unknown, what: string): void {
  if (value === undefined || value === null) fail(`${what} must be a JSON value, not ${String(value)}`);
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol' || kind === 'bigint') fail(`${what} must be a JSON value`);
  if (kind === 'number' && !Number.isFinite(value)) fail(`${what} must be a finite number`);
}

/** A non-empty string. */
export function requireCode(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(`${what} must be a non-empty string`);
  return value as string;
}

/** An optional string. */
export function optionalString(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'string') fail(`${what} must be a string`);
}

/** An optional boolean. */
export function optionalBoolean(value: unknown, what: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(`${what} must be a boolean`);
}

/** An optional array of strings. */
export function optionalStrings(value: unknown, what: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${what} must be strings`);
}

/** An optional finite number in a range. */
export function optionalNumber(
  value: unknown,
  what: string,
  range: { min?: number; max?: number; above?: number; integer?: boolean } = {},
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} must be a finite number`);
  const n = value as number;
  if (range.integer && !Number.isInteger(n)) fail(`${what} must be an integer`);
  if (range.min !== undefined && n < range.min) fail(`${what} must be >= ${range.min}`);
  if (range.max !== undefined && n > range.max) fail(`${what} must be <= ${range.max}`);
  if (range.above !== undefined && n <= range.above) fail(`${what} must be > ${range.above}`);
}

/** An optional member of a fixed set. */
export function optionalOneOf(value: unknown, allowed: readonly string[], what: string): void {
  if (value !== undefined && !allowed.includes(value as string))
    fail(`${what} must be one of ${allowed.join(', ')}`);
}

/** An optional object of extra wire fields. */
export function optionalRecord(value: unknown, what: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  requireObject(value, what);
  return value;
}
