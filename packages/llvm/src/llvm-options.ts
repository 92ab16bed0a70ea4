/**
 * The seed's environment variables mapped onto the core's options. Explicit options win field by field;
 * a variable that is set but not a valid number fails at construction with an InvalidRequestError naming it.
 * The seed's durations are seconds; the core's are milliseconds.
 */
import type { BreakerOptions, ClientOptions, RetryOptions, TimeoutOptions } from '@ipfs-accelerate/core';
import { DEFAULT_BACKOFF_OPTIONS, readEnv } from '@ipfs-accelerate/core';
import { check } from './llvm-validate.js';

/** The seed's default server. */
export const LLVM_DEFAULT_BASE_URL = 'http://localhost:8090';

/** Automatic batching of `infer` calls (see {@link LLVM_DEFAULT_BATCHING}). */
export interface LlvmBatchingOptions {
  /** Most inputs per `/batch_infer` request; a full batch is sent at once. @default `LLVM_BATCH_SIZE`, else 8 */
  maxSize?: number;
  /**
   * Longest an input waits for company, in ms, from the first input of its batch: a lone `infer` is sent
   * after exactly this long. @default `LLVM_BATCH_TIMEOUT` (seconds) x 1000, else 100
   */
  maxWaitMs?: number;
}

/** The seed `LlvmClient`'s batch size and wait (8 inputs, 0.1 s), used when batching is on. */
export const LLVM_DEFAULT_BATCHING: Readonly<Required<LlvmBatchingOptions>> = Object.freeze({
  maxSize: 8,
  maxWaitMs: 100,
});

interface NumberRule {
  integer?: boolean;
  min?: number;
  above?: number;
  unit: string;
}

/** A numeric environment variable, or undefined when unset; anything else than a valid number throws. */
export function envNumber(name: string, rule: NumberRule): number | undefined {
  const text = readEnv(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  const bound = rule.above !== undefined ? `> ${rule.above}` : `>= ${rule.min ?? 0}`;
  const ok =
    text !== '' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.above !== undefined ? value > rule.above : value >= (rule.min ?? 0));
  if (!ok) {
    check.fail(
      `${name} must be ${rule.integer ? 'an integer' : 'a number'} ${bound} (${rule.unit}); got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return value;
}

const seconds = (value: number | undefined): number | undefined =>
  value === undefined ? undefined : Math.round(value * 1000);

function merge<T extends object>(fromEnv: Partial<T>, explicit: T | undefined): T | undefined {
  const defined = Object.fromEntries(
    Object.entries(fromEnv).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
  if (explicit === undefined && Object.keys(defined).length === 0) return undefined;
  return { ...defined, ...explicit } as T;
}

/** The pipeline options after the environment: what {@link applyLlvmEnv} returns. */
export type LlvmPipelineOptions = Pick<ClientOptions, 'retry' | 'queue' | 'breaker' | 'timeouts'>;

/**
 * `LLVM_MAX_RETRIES` -> `retry.maxRetries`, `LLVM_RETRY_DELAY` (s) -> `retry.initialDelayMs` (raising the
 * 16 s default cap when the delay is longer: the seed had no cap), `LLVM_BACKOFF_FACTOR` -> `retry.factor`,
 * `LLVM_MAX_CONCURRENT` -> `queue.concurrency`, `LLVM_FAILURE_THRESHOLD` -> `breaker.consecutiveFailures`,
 * `LLVM_RESET_TIMEOUT` (s) -> `breaker.openMs`, `LLVM_TIMEOUT` (s) -> `timeouts.attemptMs`.
 */
export function applyLlvmEnv(options: LlvmPipelineOptions): LlvmPipelineOptions {
  const initialDelayMs = seconds(envNumber('LLVM_RETRY_DELAY', { min: 0, unit: 'seconds' }));
  const retryEnv: Partial<RetryOptions> = {
    maxRetries: envNumber('LLVM_MAX_RETRIES', { integer: true, min: 0, unit: 'retries' }),
    initialDelayMs,
    factor: envNumber('LLVM_BACKOFF_FACTOR', { min: 1, unit: 'multiplier' }),
  };
  if (
    initialDelayMs !== undefined &&
    initialDelayMs > DEFAULT_BACKOFF_OPTIONS.maxDelayMs &&
    options.retry?.maxDelayMs === undefined
  ) {
    retryEnv.maxDelayMs = initialDelayMs;
  }
  const breakerEnv: Partial<BreakerOptions> = {
    consecutiveFailures: envNumber('LLVM_FAILURE_THRESHOLD', { integer: true, min: 1, unit: 'failures' }),
    openMs: seconds(envNumber('LLVM_RESET_TIMEOUT', { above: 0, unit: 'seconds' })),
  };
  const timeoutsEnv: Partial<TimeoutOptions> = {
    attemptMs: seconds(envNumber('LLVM_TIMEOUT', { above: 0, unit: 'seconds' })),
  };
  const concurrency = envNumber('LLVM_MAX_CONCURRENT', { integer: true, min: 1, unit: 'requests' });
  return {
    retry: merge(retryEnv, options.retry),
    queue: merge({ concurrency }, options.queue),
    breaker: merge(breakerEnv, options.breaker),
    timeouts: merge(timeoutsEnv, options.timeouts),
  };
}

/**
 * The batching settings, or undefined when batching is off. Off unless `batching` is `true` or an object:
 * the seed's default-on batching changed every `infer` into a `/batch_infer` and hung lone requests; here it
 * is a choice. `LLVM_BATCH_SIZE` and `LLVM_BATCH_TIMEOUT` (seconds) fill what the object leaves out.
 */
export function resolveLlvmBatching(
  batching: boolean | LlvmBatchingOptions | undefined,
): Required<LlvmBatchingOptions> | undefined {
  if (batching === undefined || batching === false) return undefined;
  if (batching !== true && (typeof batching !== 'object' || batching === null || Array.isArray(batching))) {
    check.fail('batching must be a boolean or { maxSize, maxWaitMs }');
  }
  const explicit = batching === true ? {} : batching;
  const maxSize =
    explicit.maxSize ??
    envNumber('LLVM_BATCH_SIZE', { integer: true, min: 1, unit: 'inputs' }) ??
    LLVM_DEFAULT_BATCHING.maxSize;
  const maxWaitMs =
    explicit.maxWaitMs ??
    seconds(envNumber('LLVM_BATCH_TIMEOUT', { min: 0, unit: 'seconds' })) ??
    LLVM_DEFAULT_BATCHING.maxWaitMs;
  if (!Number.isInteger(maxSize) || maxSize < 1) check.fail(`batching.maxSize must be a positive integer`);
  if (typeof maxWaitMs !== 'number' || !Number.isFinite(maxWaitMs) || maxWaitMs < 0) {
    check.fail('batching.maxWaitMs must be a finite number >= 0');
  }
  return { maxSize, maxWaitMs };
}

/** The base URL: `baseURL`, else `LLVM_BASE_URL` (the client's), else `LLVM_API_URL` (the wrapper's), else the default. */
export function resolveLlvmBaseURL(baseURL: string | undefined): string {
  if (baseURL !== undefined && typeof baseURL !== 'string') check.fail('baseURL must be a string');
  return baseURL ?? readEnv('LLVM_BASE_URL', 'LLVM_API_URL') ?? LLVM_DEFAULT_BASE_URL;
}
