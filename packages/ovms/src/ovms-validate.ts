/**
 * Small checks of caller input shared by every OVMS operation, run before anything is queued or sent: a
 * mistake fails at once with an InvalidRequestError naming the field, never as a 400 after a round trip. The
 * field checks are the core's, bound to `ovms`; this file adds OVMS's model versions and paths.
 */
import { createInputChecks, type InputChecks } from '@ipfs-accelerate/core';

/** The provider name on every error this package raises. */
export const OVMS_PROVIDER = 'ovms';

/** The core field checks, bound to `ovms`. */
export const check: InputChecks = createInputChecks(OVMS_PROVIDER);

/**
 * A model version as OVMS numbers them: a positive integer (or its digits). `'latest'`, `''` and undefined
 * mean "no version in the URL" (the server picks the newest), as the seed's `OVMS_VERSION=latest` did.
 */
export function normalizeVersion(value: unknown, what = 'version'): string | undefined {
  if (value === undefined || value === null || value === '' || value === 'latest') return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[1-9][0-9]*$/.test(text)) {
    check.fail(`${what} must be a positive integer or 'latest'; got ${JSON.stringify(value)}`);
  }
  return text;
}

/** `/{prefix}/models/{name}[/versions/{v}]`, the model name percent-encoded (ids may contain `/`). */
export function modelPath(prefix: string, model: string, version: string | undefined): string {
  const base = `${prefix}/models/${encodeURIComponent(model)}`;
  return version === undefined ? base : `${base}/versions/${version}`;
}
