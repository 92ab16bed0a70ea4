import type { EmulatorRequest, JsonReply } from '../emulator/types.js';

/**
 * TEI's `ErrorType` as the server serialises it: the Rust enum has no serde rename, so the wire carries
 * `Overloaded`, `Validation`, … (the OpenAPI examples show lower case; clients must not care).
 */
export type TeiErrorType = 'Unhealthy' | 'Backend' | 'Overloaded' | 'Validation' | 'Tokenizer' | 'Empty';

/** The body and status TEI sends at its concurrency limit (`try_acquire_permit` failed): at once, no hint. */
export const TEI_OVERLOADED_MESSAGE = 'Model is overloaded';

const TYPES: Readonly<Record<string, TeiErrorType>> = {
  unhealthy: 'Unhealthy',
  backend: 'Backend',
  overloaded: 'Overloaded',
  validation: 'Validation',
  tokenizer: 'Tokenizer',
  empty: 'Empty',
};

/**
 * The error type a status stands for (`impl From<&ErrorType> for StatusCode` in `router/src/http/server.rs`,
 * read backwards): Unhealthy 503, Backend 424, Overloaded 429, Tokenizer 422, Validation 413, Empty 400.
 */
function typeOfStatus(status: number): TeiErrorType {
  switch (status) {
    case 400:
      return 'Empty';
    case 424:
      return 'Backend';
    case 429:
      return 'Overloaded';
    case 503:
      return 'Unhealthy';
    case 422:
      return 'Tokenizer';
    default:
      return status >= 500 ? 'Backend' : 'Validation';
  }
}

function defaultMessage(type: TeiErrorType): string {
  switch (type) {
    case 'Overloaded':
      return TEI_OVERLOADED_MESSAGE;
    case 'Unhealthy':
      return 'unhealthy';
    case 'Empty':
      return 'Batch is empty';
    case 'Backend':
      return 'Inference failed';
    case 'Tokenizer':
      return 'Tokenization error';
    default:
      return 'Input validation error';
  }
}

/** The OpenAI-compatible route answers errors in its own shape (`OpenAICompatErrorResponse`). */
function isOpenAIRoute(request: EmulatorRequest | undefined): boolean {
  return request?.path === '/v1/embeddings' || request?.path === '/embeddings';
}

/**
 * A TEI error reply. `code` picks the error type by name (any casing: `overloaded`, `Tokenizer`, …), else
 * the status decides; 401 is answered with an empty body as the server's auth middleware does. Native
 * routes get `{error, error_type}`, `/v1/embeddings` gets `{message, code, error_type}`.
 */
export function teiErrorReply(
  spec: { status: number; code?: string; message?: string },
  request?: EmulatorRequest,
): JsonReply {
  if (spec.status === 401 && spec.message === undefined)
    return { kind: 'json', status: 401, body: undefined };
  const type = (spec.code ? TYPES[spec.code.toLowerCase()] : undefined) ?? typeOfStatus(spec.status);
  const message = spec.message ?? defaultMessage(type);
  const body = isOpenAIRoute(request)
    ? { message, code: spec.status, error_type: type }
    : { error: message, error_type: type };
  return { kind: 'json', status: spec.status, body };
}

/** A `Validation` error: the server sends these with 413 (batch too large, input too long, bad prompt name, …). */
export function teiValidation(message: string, request: EmulatorRequest): JsonReply {
  return teiErrorReply({ status: 413, code: 'validation', message }, request);
}
