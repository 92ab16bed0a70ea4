/**
 * Where an OVMS client points and what it uses by default, from options, then the seed's environment
 * variables (`OVMS_API_URL`, `OVMS_MODEL`, `OVMS_VERSION`, `OVMS_PRECISION`, `OVMS_API_KEY`), then the seed's
 * defaults (`http://localhost:9000`, `model`, `latest`, `FP32`).
 */
import { readEnv, type TensorDatatype } from '@ipfs-accelerate/core';
import { isTensorDatatype, TENSOR_DATATYPES } from './ovms-tensor.js';
import { check, normalizeVersion } from './ovms-validate.js';

/** The seed's REST base URL (in OVMS's own docs 9000 is usually the gRPC port; pass your `--rest_port`). */
export const OVMS_DEFAULT_BASE_URL = 'http://localhost:9000';
/** The seed's default model name. */
export const OVMS_DEFAULT_MODEL = 'model';

/** The defaults a client applies to requests that leave them out. */
export interface OvmsSettings {
  /** The model of requests that name none. */
  readonly model: string;
  /** The version of KServe and `/v1` calls that give none; undefined = the newest. */
  readonly version: string | undefined;
  /** The seed's `OVMS_PRECISION`: kept for callers that build tensors; never sent (as in the seed). */
  readonly precision: TensorDatatype;
}

/**
 * The server root: a trailing `/`, and a trailing API prefix (`/v1`, `/v2`, `/v3`, as people paste from
 * docs), are removed, since this client addresses all three APIs.
 */
export function normalizeOvmsBaseURL(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/v[123]$/, '');
}

/** The base URL from `baseURL`, else `OVMS_API_URL`, else the seed default, normalised. */
export function resolveOvmsBaseURL(baseURL: string | undefined): string {
  return normalizeOvmsBaseURL(baseURL ?? readEnv('OVMS_API_URL') ?? OVMS_DEFAULT_BASE_URL);
}

/** Resolves and checks the defaults. */
export function resolveOvmsSettings(options: {
  model?: string;
  version?: string | number;
  precision?: string;
}): OvmsSettings {
  const model = options.model ?? readEnv('OVMS_MODEL') ?? OVMS_DEFAULT_MODEL;
  check.name(model, 'model');
  const version = normalizeVersion(options.version ?? readEnv('OVMS_VERSION'), 'version');
  const precision = (options.precision ?? readEnv('OVMS_PRECISION') ?? 'FP32').toUpperCase();
  if (!isTensorDatatype(precision)) {
    check.fail(`precision must be one of ${TENSOR_DATATYPES.join(', ')}; got ${JSON.stringify(precision)}`);
  }
  return Object.freeze({ model, version, precision });
}
