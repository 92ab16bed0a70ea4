/**
 * Checks of caller input: each throws InvalidRequestError before anything reaches the network. The field
 * checks are the core's, bound to `llvm`; this file adds LLVM's own (model id length, inference inputs).
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The core field checks, bound to `llvm`. */
export const check: InputChecks = createInputChecks('llvm');

/** A model id: a non-empty string of at most 512 characters. */
export function requireModel(model: unknown): string {
  check.model(model);
  if (model.length > 512) check.fail('model must be at most 512 characters');
  return model;
}

/** The path of a model's route: `/models/<id percent-encoded>/<suffix>`. */
export function modelPath(model: string, suffix = ''): string {
  return `/models/${encodeURIComponent(model)}${suffix}`;
}

/** An inference input: any JSON value but null or undefined (functions, symbols and bigints are not JSON). */
export function requireInput(value: unknown, what: string): void {
  if (value === undefined || value === null) check.fail(`${what} must be a JSON value, not ${String(value)}`);
  const kind = typeof value;
  if (kind === 'function' || kind === 'symbol' || kind === 'bigint')
    check.fail(`${what} must be a JSON value`);
  if (kind === 'number' && !Number.isFinite(value)) check.fail(`${what} must be a finite number`);
}
