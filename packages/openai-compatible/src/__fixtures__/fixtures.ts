/** Loads the recorded-shape fixtures beside this file (test support, not exported from the package). */
import { readFileSync } from 'node:fs';

const dir = new URL('./', import.meta.url);

/** A JSON fixture, parsed. */
export function jsonFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as Record<string, unknown>;
}

/** A text fixture (SSE bodies). */
export function textFixture(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}
