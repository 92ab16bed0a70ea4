/** Small readers of Ollama's JSON answers, shared by every operation. */
import { ResponseFormatError } from '@ipfs-accelerate/core';

/** A JSON object, or a ResponseFormatError naming what was expected. */
export function asObject<T>(value: unknown, what: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ResponseFormatError(`ollama: ${what} is not a JSON object`);
  }
  return value as T;
}

/** Whether a stream frame is the final `done: true` object of chat and generate. */
export function isOllamaDone(frame: unknown): boolean {
  return typeof frame === 'object' && frame !== null && (frame as { done?: unknown }).done === true;
}

/** A string field as it is; any other type (the wire types are not checked by JSON.parse) -> undefined. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An ISO 8601 timestamp as a Date; absent or unparsable -> undefined. */
export function dateOf(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
