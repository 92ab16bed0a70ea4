/**
 * FastAPI's error shapes, as every OPEA service answers them: `{"detail": "…"}` for a raised
 * HTTPException, `422 {"detail": [{type, loc, msg, input}]}` for a body that fails pydantic validation.
 */
import type { JsonReply } from '../emulator/types.js';

/** One pydantic validation issue. */
export interface FastAPIIssue {
  readonly type: string;
  readonly loc: ReadonlyArray<string | number>;
  readonly msg: string;
  readonly input?: unknown;
}

/** Starlette's reason phrases, FastAPI's `detail` for errors raised without one. */
const PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `{"detail": message}` with the status (the reason phrase when no message is given). */
export function fastAPIError(status: number, message?: string): JsonReply {
  return { kind: 'json', status, body: { detail: message ?? PHRASES[status] ?? `HTTP ${status}` } };
}

/** `422 {"detail": [issues]}`. */
export function fastAPIValidation(issues: readonly FastAPIIssue[]): JsonReply {
  return { kind: 'json', status: 422, body: { detail: issues } };
}

/** FastAPI's answer to a body that is not JSON. */
export function jsonDecodeError(): JsonReply {
  return fastAPIValidation([{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }]);
}

/** A missing required field. */
export function missingField(field: string, input: unknown): FastAPIIssue {
  return { type: 'missing', loc: ['body', field], msg: 'Field required', input };
}

/** A field of the wrong type, in pydantic v2's words. */
export function wrongType(
  field: string,
  expected: 'string' | 'number' | 'integer' | 'boolean' | 'list',
  input: unknown,
): FastAPIIssue {
  const words = {
    string: ['string_type', 'Input should be a valid string'],
    number: ['float_type', 'Input should be a valid number'],
    integer: ['int_type', 'Input should be a valid integer'],
    boolean: ['bool_type', 'Input should be a valid boolean'],
    list: ['list_type', 'Input should be a valid list'],
  } as const;
  const [type, msg] = words[expected];
  return { type, loc: ['body', field], msg, input };
}

/**
 * Checks the optional fields of a body by their pydantic types; returns the issues found (empty when the
 * body is acceptable).
 */
export function checkFields(
  body: Readonly<Record<string, unknown>>,
  fields: Readonly<Record<string, 'string' | 'number' | 'integer' | 'boolean'>>,
): FastAPIIssue[] {
  const issues: FastAPIIssue[] = [];
  for (const [field, expected] of Object.entries(fields)) {
    const value = body[field];
    if (value === undefined || value === null) continue;
    const ok =
      expected === 'string'
        ? typeof value === 'string'
        : expected === 'boolean'
          ? typeof value === 'boolean'
          : expected === 'integer'
            ? Number.isInteger(value)
            : typeof value === 'number' && Number.isFinite(value);
    if (!ok) issues.push(wrongType(field, expected, value));
  }
  return issues;
}

/**
 * The in-band error frame of a ChatQnA stream: older megaservices forwarded an upstream chunk they could
 * not parse as the bytes repr of its JSON, so a vLLM error arrives as `data: b'{"error": …}'`.
 */
export function chatQnAErrorFrame(code: string | undefined, message: string | undefined): string {
  const json = JSON.stringify({
    error: {
      message: message ?? 'upstream LLM stream failed',
      type: code ?? 'server_error',
      param: null,
      code: null,
    },
  });
  return `data: ${pythonBytesRepr(new TextEncoder().encode(json))}\n\n`;
}

/**
 * Python's `repr(some_bytes)`, after CPython's `bytes_repr`: single quotes unless the bytes hold `'` and no
 * `"`; `\\`, the quote, `\t \n \r` escaped; other bytes below 0x20 or from 0x7f as `\xhh`.
 */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  const q = quote.charCodeAt(0);
  let out = `b${quote}`;
  for (const byte of bytes) {
    if (byte === q || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out + quote;
}
