/** Small readers of the server's JSON answers; a wrong shape is a ResponseFormatError, never a guess. */
import { ResponseFormatError } from '@ipfs-accelerate/core';

/** A JSON object, or a ResponseFormatError naming what was expected. */
export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseFormatError(`llvm: ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A required string field. */
export function stringField(o: Record<string, unknown>, key: string, what: string): string {
  const value = o[key];
  if (typeof value !== 'string' || value === '') {
    throw new ResponseFormatError(`llvm: ${what} has no ${key} string`);
  }
  return value;
}

/** An optional string field (absent or of another type -> undefined). */
export function optionalStringField(o: Record<string, unknown>, key: string): string | undefined {
  const value = o[key];
  return typeof value === 'string' ? value : undefined;
}

/** An optional finite number field. */
export function optionalNumberField(o: Record<string, unknown>, key: string): number | undefined {
  const value = o[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A required non-negative number field. */
export function countField(o: Record<string, unknown>, key: string, what: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ResponseFormatError(`llvm: ${what} has no ${key} count`);
  }
  return value;
}

/** A required array of strings (`errors`, `optimization_passes`); absent -> ResponseFormatError. */
export function stringsField(o: Record<string, unknown>, key: string, what: string): string[] {
  const value = o[key];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ResponseFormatError(`llvm: ${what} has no ${key} list of strings`);
  }
  return value as string[];
}

/** An optional object field. */
export function optionalObjectField(
  o: Record<string, unknown>,
  key: string,
): Record<string, unknown> | undefined {
  const value = o[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An ISO 8601 timestamp as a Date; absent or unparsable -> undefined. */
export function optionalDateField(o: Record<string, unknown>, key: string): Date | undefined {
  const value = o[key];
  if (typeof value !== 'string' || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
