/**
 * The base of every error the library throws. Each subclass fixes a stable `code` and whether the
 * failure is worth retrying; the pipeline fills in the request's identity (`requestId`, `attempts`, …)
 * before the error reaches the caller.
 */

const BRAND = Symbol.for('ipfs-accelerate.error');

/** Fields every error can carry; all optional when constructing. */
export interface AccelerateErrorOptions {
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** Overrides the class default, e.g. `x-should-retry: false` on a 500. */
  retryable?: boolean;
  /** How long the server asked us to wait, in ms (from `retry-after`, `retry-after-ms`, RetryInfo, …). */
  retryAfterMs?: number;
  /** Our request id (`req_…`), as in the tracking ledger. */
  requestId?: string;
  /** The service's own request id (`x-request-id`, `request-id`, …). */
  providerRequestId?: string;
  /** The backend that produced the error, e.g. `openai`. */
  provider?: string;
  /** How many attempts were made before giving up. */
  attempts?: number;
  /** The service's own error code or type, e.g. `insufficient_quota`. */
  providerCode?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Base class of the taxonomy. Use {@link AccelerateError.isInstance} rather than `instanceof` when
 * errors may cross copies of the package (the brand survives duplicate installs).
 */
export abstract class AccelerateError extends Error {
  /** A stable, machine-readable identifier of the error class, e.g. `rate_limited`. */
  abstract readonly code: string;
  /** Whether the pipeline may retry the request that failed with this error. */
  retryable: boolean;
  status: number | undefined;
  retryAfterMs: number | undefined;
  requestId: string | undefined;
  providerRequestId: string | undefined;
  provider: string | undefined;
  attempts: number;
  providerCode: string | undefined;

  protected constructor(message: string, defaultRetryable: boolean, options: AccelerateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? defaultRetryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.requestId = options.requestId;
    this.providerRequestId = options.providerRequestId;
    this.provider = options.provider;
    this.attempts = options.attempts ?? 0;
    this.providerCode = options.providerCode;
  }

  override get name(): string {
    return this.constructor.name;
  }

  /**
   * Whether this failure says something about the health of the endpoint, and so feeds the circuit
   * breaker. Rate limits, quota and caller mistakes do not: quota is not health.
   */
  get breakerFailure(): boolean {
    return false;
  }

  static {
    // The brand sits on the prototype, so every subclass instance carries it at no per-instance cost.
    Object.defineProperty(AccelerateError.prototype, BRAND, { value: true });
  }

  /** True for any error of this taxonomy, from any copy of the package. */
  static isInstance(value: unknown): value is AccelerateError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A plain, secret-free description for logs and JSON APIs. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause as { name?: unknown; code?: unknown; message?: unknown } | undefined;
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      requestId: this.requestId,
      providerRequestId: this.providerRequestId,
      provider: this.provider,
      attempts: this.attempts,
      providerCode: this.providerCode,
      cause:
        cause === undefined
          ? undefined
          : typeof cause === 'object' && cause !== null
            ? { name: cause.name, code: cause.code, message: cause.message }
            : String(cause),
    };
  }
}
