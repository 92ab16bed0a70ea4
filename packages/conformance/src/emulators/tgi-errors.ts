/**
 * TGI's error shapes: `ErrorResponse` `{"error", "error_type"}` with the status `impl From<InferError>` gives
 * (422 validation, 424 generation, 429 overloaded, 500 incomplete_generation), 503 from `/health`, and the
 * same object as an SSE event inside `/generate_stream`. Auth (`--api-key`) rejects with 401 and an empty body.
 */
import type { EmulatorRequest, JsonReply, Reply } from '../emulator/types.js';

/** The default `error_type` and message TGI sends with a status. */
const BY_STATUS: Readonly<Record<number, { type: string; message: string }>> = {
  400: { type: 'validation', message: 'Input validation error: emulated bad request' },
  422: { type: 'validation', message: 'Input validation error: emulated validation failure' },
  424: { type: 'generation', message: 'Request failed during generation: Server error: emulated failure' },
  429: { type: 'overloaded', message: 'Model is overloaded' },
  500: { type: 'incomplete_generation', message: 'Incomplete generation' },
  503: { type: 'healthcheck', message: 'unhealthy' },
};

/** A TGI `ErrorResponse` reply. */
export function tgiErrorReply(status: number, errorType?: string, message?: string): JsonReply {
  const known = BY_STATUS[status];
  return {
    kind: 'json',
    status,
    body: {
      error: message ?? known?.message ?? `HTTP ${status}`,
      error_type: errorType ?? known?.type ?? (status >= 500 ? 'generation' : 'validation'),
    },
  };
}

/** The reply of a scripted `error` fault: TGI's body, except 401/404 which TGI sends with an empty body. */
export function tgiFaultReply(status: number, code?: string, message?: string): JsonReply {
  if ((status === 401 || status === 404) && code === undefined && message === undefined) {
    return { kind: 'json', status, body: undefined };
  }
  return tgiErrorReply(status, code, message);
}

/** A validation failure (422). */
export function validationError(detail: string): JsonReply {
  return tgiErrorReply(422, 'validation', `Input validation error: ${detail}`);
}

/** What axum answers when the JSON body does not deserialise into the route's type: 422, plain text. */
export function deserializeError(detail: string): JsonReply {
  return {
    kind: 'json',
    status: 422,
    body: `Failed to deserialize the JSON body into the target type: ${detail}`,
    contentType: 'text/plain; charset=utf-8',
  };
}

/** An in-band stream error event, as `impl From<InferError> for Event` writes it (axum: no space after `data:`). */
export function tgiErrorFrame(code: string | undefined, message: string | undefined): string {
  const event = {
    error: message ?? BY_STATUS[424]?.message ?? 'Request failed during generation',
    error_type: code ?? 'generation',
  };
  return `data:${JSON.stringify(event)}\n\n`;
}

/** Bearer auth of `--api-key`: a missing or wrong key is a 401 with an empty body. */
export function tgiAuthorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S.*)$/i.exec(header.trim())?.[1] : undefined;
  return key !== undefined && apiKeys.includes(key)
    ? undefined
    : { kind: 'json', status: 401, body: undefined };
}
