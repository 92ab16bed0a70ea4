/**
 * Groq's error bodies and request checks, for the Groq emulator: `{error:{message, type, code?}}` (no `param`),
 * 498 flex `capacity_exceeded`, 429 and 413 in Groq's wording, and the in-band stream error forms.
 */
import type { JsonReply } from '../emulator/types.js';
import { openAIError } from './openai-compatible-errors.js';
import { EMULATOR_CREATED } from './openai-compatible-shapes.js';
import { isObject } from './openai-compatible-validate.js';

/** Tokens per minute announced in `x-ratelimit-limit-tokens`, and named in rate-limit messages. */
export const GROQ_EMULATOR_TOKEN_LIMIT = 6_000;
/** Groq's processing tiers, as its API validates them. */
export const GROQ_SERVICE_TIERS = ['on_demand', 'flex', 'auto', 'performance'];
const REASONING_FORMATS = ['parsed', 'raw', 'hidden'];

/** Groq's error object: `{message, type, code?}` (no `param`, unlike OpenAI's). */
export interface GroqErrorObject {
  readonly message: string;
  readonly type: string;
  readonly code?: string;
}

const RATE_LIMIT_MESSAGE = (kind: 'requests' | 'tokens') =>
  `Rate limit reached for model \`llama-3.1-8b-instant\` in organization \`org_emulator\` service tier ` +
  `\`on_demand\` on ${kind} per minute (${kind === 'tokens' ? 'TPM' : 'RPM'}): Limit ` +
  `${kind === 'tokens' ? GROQ_EMULATOR_TOKEN_LIMIT : 30}, Used ${kind === 'tokens' ? GROQ_EMULATOR_TOKEN_LIMIT : 30}, ` +
  'Requested 1. Please try again in 2s.';

/**
 * Groq's error object for a status (and optional code), as its docs describe: 498 flex `capacity_exceeded`;
 * 429 `rate_limit_exceeded` with type `requests` or `tokens`; 413 a request over the tokens-per-minute limit
 * (type `tokens`, code `rate_limit_exceeded`); 401 `invalid_api_key`; 5xx `internal_server_error`; otherwise
 * OpenAI's type for the status, without `param`.
 */
export function groqError(status: number, code?: string, message?: string): GroqErrorObject {
  if (status === 498) {
    return {
      message:
        message ?? 'Flex tier capacity exceeded. This is a temporary condition, please try again later.',
      type: 'capacity_exceeded',
      code: code ?? 'capacity_exceeded',
    };
  }
  if (status === 429 && code !== 'insufficient_quota') {
    const type = /token/i.test(message ?? '') ? 'tokens' : 'requests';
    return { message: message ?? RATE_LIMIT_MESSAGE(type), type, code: code ?? 'rate_limit_exceeded' };
  }
  if (status === 413) {
    const text =
      'Request too large for model `llama-3.1-8b-instant` in organization `org_emulator` service tier ' +
      `\`on_demand\` on tokens per minute (TPM): Limit ${GROQ_EMULATOR_TOKEN_LIMIT}, Requested 9000, ` +
      'please reduce your message size and try again.';
    return { message: message ?? text, type: 'tokens', code: code ?? 'rate_limit_exceeded' };
  }
  if (status === 401) {
    return {
      message: message ?? 'Invalid API Key',
      type: 'invalid_request_error',
      code: code ?? 'invalid_api_key',
    };
  }
  if (status >= 500) {
    const text = status === 503 ? 'Service Unavailable' : 'Internal Server Error';
    return { message: message ?? text, type: 'internal_server_error', ...(code ? { code } : {}) };
  }
  const { message: text, type, code: openAICode } = openAIError(status, code, message);
  return { message: text, type, ...(openAICode ? { code: openAICode } : {}) };
}

/** A Groq-shaped error reply: `{"error":{"message","type","code"?}}`. */
export function groqErrorReply(status: number, error: GroqErrorObject): JsonReply {
  return { kind: 'json', status, body: { error: error } };
}

/**
 * The in-band error of a Groq stream. Without a code: a chunk whose `x_groq.error` says why the stream stopped
 * early (the form Groq's SDK documents). With a code: an OpenAI-style `data: {"error":{…}}` frame carrying it.
 */
export function groqErrorFrame(code: string | undefined, message: string | undefined): string {
  if (code !== undefined) {
    const status = code === 'rate_limit_exceeded' ? 429 : code === 'capacity_exceeded' ? 498 : 500;
    return `data: ${JSON.stringify({ error: groqError(status, code, message) })}\n\n`;
  }
  const chunk = {
    id: 'chatcmpl-stopped',
    object: 'chat.completion.chunk',
    created: EMULATOR_CREATED,
    choices: [],
    x_groq: { error: message ?? 'stream stopped early: the model server failed' },
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * Groq's own checks of a chat body, before the OpenAI ones: `n` must be 1, `service_tier` and `reasoning_format`
 * known values.
 */
export function checkGroqChat(body: unknown): JsonReply | undefined {
  if (!isObject(body)) return undefined;
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    return groqErrorReply(400, {
      message: "'n' : number must be at most 1",
      type: 'invalid_request_error',
    });
  }
  for (const [field, allowed] of [
    ['service_tier', GROQ_SERVICE_TIERS],
    ['reasoning_format', REASONING_FORMATS],
  ] as const) {
    const value = body[field];
    if (value !== undefined && value !== null && !allowed.includes(String(value))) {
      return groqErrorReply(400, {
        message: `'${field}' : value must be one of ${allowed.map((v) => `'${v}'`).join(', ')}`,
        type: 'invalid_request_error',
      });
    }
  }
  return undefined;
}
