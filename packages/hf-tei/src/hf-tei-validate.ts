/**
 * Caller input checks, run before anything is queued or sent: a bad request costs no network call. The field
 * checks are the core's, bound to `hf-tei`; this file adds TEI's own input shapes.
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The core field checks, bound to `hf-tei`. */
export const check: InputChecks = createInputChecks('hf-tei');

/** `inputs` as a list: one string, or a non-empty array of strings. */
export function textList(value: unknown, name: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.length === 0) {
    check.fail(`${name} must be a string or a non-empty array of strings`);
  }
  value.forEach((item: unknown, i) => {
    if (typeof item !== 'string') check.fail(`${name}[${i}] must be a string`);
  });
  return value as string[];
}

/** Checks a token id: a non-negative 32-bit integer. */
export function checkTokenId(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    check.fail(`${where} must be a non-negative integer token id; got ${String(value)}`);
  }
}
