/**
 * OPEA services are FastAPI apps: a raised HTTPException is `{"detail": "…"}`, a request that fails
 * validation is `422 {"detail": [{"loc": [...], "msg": "…", "type": "…"}]}`, and an unhandled crash is a
 * plain-text `500 Internal Server Error`. These become taxonomy errors; anything else (an upstream
 * OpenAI-style body passed through) falls back to the OpenAI-compatible mapping.
 */
import {
  type AccelerateError,
  type AccelerateErrorOptions,
  type ErrorResponse,
  InvalidRequestError,
} from '@ipfs-accelerate/core';
import { isJsonObject, parseOpenAIError } from '@ipfs-accelerate/openai-compatible';

/** One entry of a FastAPI validation error. */
export interface OpeaValidationIssue {
  /** Where the problem is, e.g. `body.messages` (FastAPI's `loc` joined with dots). */
  field: string;
  /** FastAPI's message, e.g. `Field required`. */
  message: string;
  /** FastAPI's error type, e.g. `missing`. */
  type?: string;
}

/** A request the service refused as invalid (FastAPI's 422), with the fields it named. */
export class OpeaValidationError extends InvalidRequestError {
  /** The fields FastAPI reported, in its order. */
  readonly issues: readonly OpeaValidationIssue[];
  constructor(message: string, issues: readonly OpeaValidationIssue[], options?: AccelerateErrorOptions) {
    super(message, options);
    this.issues = issues;
  }
}

/** Reads FastAPI's validation list; undefined when `detail` is not one. */
export function readValidationIssues(body: unknown): OpeaValidationIssue[] | undefined {
  if (!isJsonObject(body) || !Array.isArray(body.detail) || body.detail.length === 0) return undefined;
  const issues: OpeaValidationIssue[] = [];
  for (const entry of body.detail) {
    if (!isJsonObject(entry)) return undefined;
    // FastAPI's `loc` holds names and indexes. Anything else is not coerced (String() of a JSON object runs
    // its `toString`, which a body can make throw, and of a deeply nested array recurses out of stack).
    const loc = Array.isArray(entry.loc)
      ? entry.loc
          .map((part) => (typeof part === 'string' || typeof part === 'number' ? String(part) : '?'))
          .join('.')
      : '';
    const issue: OpeaValidationIssue = {
      field: loc,
      message: typeof entry.msg === 'string' ? entry.msg : 'invalid value',
    };
    if (typeof entry.type === 'string') issue.type = entry.type;
    issues.push(issue);
  }
  return issues;
}

/**
 * `ProtocolAdapter.parseError` of OPEA services. A validation list becomes an {@link OpeaValidationError}
 * (an InvalidRequestError) whose message names every field; a `detail` string is the message of the
 * status's class (400/422 InvalidRequestError, 401, 403, 404 NotFoundError, 429 RateLimitError,
 * 503 OverloadedError, other 5xx ServerError); plain-text and OpenAI-style bodies map the same way.
 */
export function parseOpeaError(response: ErrorResponse): AccelerateError {
  const issues = readValidationIssues(response.bodyJson);
  if (issues !== undefined && response.status < 500) {
    const list = issues.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message));
    const error = new OpeaValidationError(`opea: invalid request: ${list.join('; ')}`, issues, {
      provider: 'opea',
      status: response.status,
      providerCode: issues[0]?.type,
    });
    error.providerRequestId ??= response.providerRequestId;
    return error;
  }
  return parseOpenAIError(response, 'opea');
}
