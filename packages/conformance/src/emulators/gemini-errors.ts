import type { EmulatorRequest, Fault, JsonReply } from '../emulator/types.js';
import { apiVersionOf, jsonReply } from './gemini-shapes.js';

/** The canonical google.rpc code name of an HTTP status (google/rpc/code.proto). */
const NAME_OF_HTTP: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** The HTTP status of each google.rpc code name. */
const HTTP_OF_NAME: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(NAME_OF_HTTP).map(([http, name]) => [name, Number(http)])),
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  ALREADY_EXISTS: 409,
  UNKNOWN: 500,
  DATA_LOSS: 500,
};

const HELP_URL = 'https://ai.google.dev/gemini-api/docs/rate-limits';
/** The message of an unknown key (400 INVALID_ARGUMENT, ErrorInfo `API_KEY_INVALID`). */
export const GEMINI_BAD_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';
/** The message of a request without any key (403 PERMISSION_DENIED). */
export const GEMINI_NO_KEY_MESSAGE =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or " +
  'other form of API consumer identity to call this API.';
/** The message of an error reported inside a stream when the fault gives none. */
export const GEMINI_STREAM_ERROR_MESSAGE =
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';

/** What a scripted Gemini error says besides its HTTP status; see {@link geminiErrorCode}. */
export interface GeminiErrorOptions {
  /** The google.rpc code name, e.g. `FAILED_PRECONDITION`. @default the canonical name of the status */
  readonly status?: string;
  /** Adds a `RetryInfo` detail with this proto Duration, e.g. `37s` or `1.5s`. */
  readonly retryDelay?: string;
  /** Adds an `ErrorInfo` detail with this reason, e.g. `API_KEY_INVALID`. */
  readonly reason?: string;
  /** The `QuotaFailure` violation's quota id (429 only), e.g. `GenerateRequestsPerDayPerProjectPerModel-FreeTier`. */
  readonly quotaId?: string;
  readonly message?: string;
}

const DEFAULT_QUOTA_ID = 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier';

/**
 * The `code` of an `error` fault (and of a `stream-error` fault) is a small grammar, so scripts stay one-liners:
 * space- or comma-separated tokens, each one of
 * - `RESOURCE_EXHAUSTED` (any upper-case google.rpc name): the status name, and for stream errors the code;
 * - `503` (three digits): the code of a stream error (a response fault has its `status` already);
 * - `retry=37s`: a `RetryInfo` detail; `reason=API_KEY_INVALID`: an `ErrorInfo` detail;
 *   `quota=<quotaId>`: the `QuotaFailure` violation of a 429.
 * Unknown tokens are refused loudly (the emulator answers 500 "Emulator failed: …").
 */
export function parseGeminiFaultCode(code: string | undefined): GeminiErrorOptions & { http?: number } {
  const out: { status?: string; retryDelay?: string; reason?: string; quotaId?: string; http?: number } = {};
  for (const token of (code ?? '').split(/[\s,]+/).filter(Boolean)) {
    const eq = token.indexOf('=');
    const [key, value] = eq === -1 ? [token, ''] : [token.slice(0, eq), token.slice(eq + 1)];
    if (key === 'retry' && value) out.retryDelay = value;
    else if (key === 'reason' && value) out.reason = value;
    else if (key === 'quota' && value) out.quotaId = value;
    else if (eq === -1 && /^\d{3}$/.test(token)) out.http = Number(token);
    else if (eq === -1 && HTTP_OF_NAME[token] !== undefined) out.status = token;
    else throw new Error(`unknown gemini fault code token ${JSON.stringify(token)}`);
  }
  return out;
}

/** Writes {@link GeminiErrorOptions} in the grammar of {@link parseGeminiFaultCode}. */
export function geminiErrorCode(options: GeminiErrorOptions): string {
  const tokens: string[] = [];
  if (options.status) tokens.push(options.status);
  if (options.retryDelay) tokens.push(`retry=${options.retryDelay}`);
  if (options.reason) tokens.push(`reason=${options.reason}`);
  if (options.quotaId) tokens.push(`quota=${options.quotaId}`);
  return tokens.join(' ');
}

/**
 * An `error` fault answering with a google.rpc.Status in Gemini's shape, e.g.
 * `geminiErrorFault(429, { retryDelay: '37s' })`. Fault `headers` (such as `retry-after`, which Google does not
 * send but clients read) are passed through as the framework does.
 */
export function geminiErrorFault(
  status: number,
  options: GeminiErrorOptions & { headers?: Record<string, string> } = {},
): Fault {
  const fault: {
    kind: 'error';
    status: number;
    code?: string;
    message?: string;
    headers?: Record<string, string>;
  } = {
    kind: 'error',
    status,
  };
  const code = geminiErrorCode(options);
  if (code) fault.code = code;
  if (options.message) fault.message = options.message;
  if (options.headers) fault.headers = options.headers;
  return fault;
}

/** `models/gemini-x` and the method of a request path such as `/v1beta/models/gemini-x:generateContent`. */
function resourceOf(request: EmulatorRequest | undefined): { model?: string; method?: string } {
  const match = /\/models\/([^/:]+)(?::(\w+))?$/.exec(request?.path ?? '');
  if (!match) return {};
  return { model: `models/${decodeURIComponent(match[1] ?? '')}`, method: match[2] };
}

/** The message Google gives for a status when the script gives none. */
function defaultMessage(http: number, name: string, request: EmulatorRequest | undefined): string {
  switch (name) {
    case 'INVALID_ARGUMENT':
      return 'Request contains an invalid argument.';
    case 'FAILED_PRECONDITION':
      return 'User location is not supported for the API use.';
    case 'UNAUTHENTICATED':
      return 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
    case 'PERMISSION_DENIED':
      return 'The caller does not have permission';
    case 'NOT_FOUND': {
      const { model, method } = resourceOf(request);
      return model ? notFoundMessage(model, method ?? 'get', request) : 'Requested entity was not found.';
    }
    case 'RESOURCE_EXHAUSTED':
      return `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: ${HELP_URL}.`;
    case 'UNAVAILABLE':
      return 'The model is overloaded. Please try again later.';
    case 'DEADLINE_EXCEEDED':
      return 'Deadline expired before operation could complete.';
    case 'INTERNAL':
      return GEMINI_STREAM_ERROR_MESSAGE;
    default:
      return `HTTP ${http} ${name}`;
  }
}

/** Google's 404 for a model that does not exist or does not support the method. */
export function notFoundMessage(model: string, method: string, request?: EmulatorRequest): string {
  const version = apiVersionOf(request?.path ?? '');
  return `${model} is not found for API version ${version}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`;
}

/** The `details` of an error: ErrorInfo (+ LocalizedMessage), QuotaFailure + Help for 429, RetryInfo. */
function detailsOf(
  http: number,
  options: GeminiErrorOptions,
  message: string,
  model: string | undefined,
): unknown[] {
  const details: unknown[] = [];
  if (options.reason) {
    details.push(
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: options.reason,
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    );
  }
  if (http === 429) {
    const quotaId = options.quotaId ?? DEFAULT_QUOTA_ID;
    details.push(
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId,
            quotaDimensions: { location: 'global', model: (model ?? 'models/gemini-2.0-flash').slice(7) },
            quotaValue: /PerDay/i.test(quotaId) ? '200' : '15',
          },
        ],
      },
      {
        '@type': 'type.googleapis.com/google.rpc.Help',
        links: [{ description: 'Learn more about Gemini API quotas', url: HELP_URL }],
      },
    );
  }
  if (options.retryDelay) {
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: options.retryDelay });
  }
  return details;
}

/** A google.rpc.Status body: `{error: {code, message, status, details?}}` (`details` only when there are any). */
export function geminiStatusBody(
  http: number,
  options: GeminiErrorOptions = {},
  request?: EmulatorRequest,
): { error: Record<string, unknown> } {
  const name = options.status ?? NAME_OF_HTTP[http] ?? (http >= 500 ? 'UNKNOWN' : 'INVALID_ARGUMENT');
  const message =
    options.message ??
    (options.reason === 'API_KEY_INVALID' ? GEMINI_BAD_KEY_MESSAGE : defaultMessage(http, name, request));
  const error: Record<string, unknown> = { code: http, message, status: name };
  const details = detailsOf(http, options, message, resourceOf(request).model);
  if (details.length > 0) error.details = details;
  return { error };
}

/** An error reply in Gemini's shape, pretty-printed like Google's front end. */
export function geminiErrorReply(
  http: number,
  options: GeminiErrorOptions = {},
  request?: EmulatorRequest,
): JsonReply {
  return jsonReply(http, geminiStatusBody(http, options, request));
}

/**
 * The in-band error of a stream: a bare google.rpc.Status object on its own line, without `data:` (js-genai
 * `throwIfStreamErrorChunk`). `code` uses the {@link parseGeminiFaultCode} grammar; the default is 500 INTERNAL.
 */
export function geminiErrorFrame(code: string | undefined, message: string | undefined): string {
  const parsed = parseGeminiFaultCode(code);
  const http = parsed.http ?? (parsed.status ? HTTP_OF_NAME[parsed.status] : undefined) ?? 500;
  return `${JSON.stringify(geminiStatusBody(http, { ...parsed, message }))}\n`;
}
