import type { JsonReply } from '../emulator/types.js';

/** The `error` object of an OpenAI error body (spec `Error`: all four keys present, `param`/`code` nullable). */
export interface OpenAIErrorObject {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this ' +
  'error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
const SERVER_MESSAGE = 'The server had an error while processing your request. Sorry about that!';

/**
 * Builds an OpenAI error object with the type the real API uses for a status and code: `insufficient_quota` ->
 * type and code `insufficient_quota`; 429 -> type `tokens` when the message speaks of tokens, else `requests`,
 * code `rate_limit_exceeded`; 401 -> `invalid_request_error`/`invalid_api_key`; 503 -> `server_error`/`overloaded`;
 * other 5xx -> `server_error`; other 4xx -> `invalid_request_error`.
 */
export function openAIError(
  status: number,
  code?: string,
  message?: string,
  param: string | null = null,
): OpenAIErrorObject {
  if (code === 'insufficient_quota') {
    return { message: message ?? QUOTA_MESSAGE, type: 'insufficient_quota', param, code };
  }
  if (status === 429) {
    const type = /token/i.test(message ?? '') ? 'tokens' : 'requests';
    return {
      message: message ?? `Rate limit reached on ${type} per min (RPM). Please try again in 1s.`,
      type,
      param,
      code: code ?? 'rate_limit_exceeded',
    };
  }
  if (status === 401) {
    return {
      message: message ?? 'Incorrect API key provided.',
      type: 'invalid_request_error',
      param,
      code: code ?? 'invalid_api_key',
    };
  }
  if (status === 503) {
    const text = message ?? 'The server is overloaded or not ready yet.';
    return { message: text, type: 'server_error', param, code: code ?? 'overloaded' };
  }
  if (status >= 500)
    return { message: message ?? SERVER_MESSAGE, type: 'server_error', param, code: code ?? null };
  if (code === 'context_length_exceeded') {
    const text =
      message ??
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 200000 tokens. " +
        'Please reduce the length of the messages.';
    return { message: text, type: 'invalid_request_error', param: param ?? 'messages', code };
  }
  return {
    message: message ?? `Request failed with status ${status}.`,
    type: 'invalid_request_error',
    param,
    code: code ?? null,
  };
}

/** An OpenAI-shaped error reply: `{"error":{"message","type","param","code"}}`. */
export function openAIErrorReply(status: number, error: OpenAIErrorObject): JsonReply {
  return { kind: 'json', status, body: { error } };
}

/** A 400 `invalid_request_error` naming the offending parameter, as the real API words them. */
export function invalidRequest(message: string, param: string | null, code: string | null = null): JsonReply {
  return openAIErrorReply(400, { message, type: 'invalid_request_error', param, code });
}

/** The real API's 404 for an unknown model. */
export function modelNotFound(model: string): JsonReply {
  return openAIErrorReply(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: null,
    code: 'model_not_found',
  });
}

/** The in-band error frame of a chat stream: `data: {"error":{...}}` (openai-node throws `APIError` on it). */
export function openAIErrorFrame(code: string | undefined, message: string | undefined): string {
  const status = code === 'rate_limit_exceeded' || code === 'insufficient_quota' ? 429 : 500;
  return `data: ${JSON.stringify({ error: openAIError(status, code, message) })}\n\n`;
}

/** `sk-...wxyz` style: the first three and last four characters of long keys, nothing of short ones. */
export function maskApiKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 3)}...${key.slice(-4)}` : '***';
}
