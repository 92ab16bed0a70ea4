import { STATUS_CODES } from 'node:http';
import type { EmulatorRequest, JsonReply } from '../emulator/types.js';
import { isObject, jsonReply } from './ollama-shapes.js';

/** The real server's answer when its queue is full (`server/sched.go` `ErrMaxQueue`; note the two spaces). */
export const OLLAMA_BUSY_MESSAGE = 'server busy, please try again.  maximum pending requests exceeded';
/** The in-band error line of a stream that failed after HTTP 200. */
export const OLLAMA_STREAM_ERROR_MESSAGE = 'an error was encountered while running the model';

/** An Ollama error reply: `{"error": "<message>"}`. */
export function ollamaErrorReply(status: number, message: string): JsonReply {
  return jsonReply(status, { error: message });
}

/** The 404 of chat, generate and embed for a model that is not on the server (`handleScheduleError`). */
export function modelNotFound(model: string): JsonReply {
  return ollamaErrorReply(404, `model "${model}" not found, try pulling it first`);
}

/** The 404 of show and delete (`model 'x' not found`, single quotes as the real server writes it). */
export function modelNotFoundQuoted(model: string): JsonReply {
  return ollamaErrorReply(404, `model '${model}' not found`);
}

/**
 * The message the real server gives for a status, used by the framework's `error` fault when the script gives
 * none: 400 bad request, 401 unauthorized, 404 model not found (naming the request's model when it has one),
 * 429 too many requests, 500 internal server error, 502 bad gateway (cloud model unreachable), 503 server busy.
 */
export function defaultErrorMessage(status: number, request?: EmulatorRequest): string {
  switch (status) {
    case 400:
      return 'bad request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404: {
      const model = isObject(request?.json) ? request.json.model : undefined;
      return typeof model === 'string' && model !== ''
        ? `model "${model}" not found, try pulling it first`
        : 'not found';
    }
    case 429:
      return 'too many requests';
    case 500:
      return 'internal server error';
    case 502:
      return 'bad gateway';
    case 503:
      return OLLAMA_BUSY_MESSAGE;
    default:
      return (STATUS_CODES[status] ?? `HTTP ${status}`).toLowerCase();
  }
}

/** The in-band NDJSON error line of a stream (status already 200); Ollama has no error codes, only messages. */
export function ollamaErrorFrame(_code: string | undefined, message: string | undefined): string {
  return `${JSON.stringify({ error: message ?? OLLAMA_STREAM_ERROR_MESSAGE })}\n`;
}

/** Go's `encoding/json` name of a JSON value's type, as in `cannot unmarshal string into ...`. */
export function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'number' : `number ${value}`;
  if (typeof value === 'object') return 'object';
  return 'string';
}

/** Go's binding error for a field of the wrong JSON type, answered with 400 like `c.ShouldBindJSON`. */
export function unmarshalError(struct: string, field: string, goType: string, value: unknown): JsonReply {
  return ollamaErrorReply(
    400,
    `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type ${goType}`,
  );
}
