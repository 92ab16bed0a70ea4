/** A JSON round trip over any {@link HttpTransport}: for probes, catalogues and other small calls. */
import { ResponseFormatError } from '../errors/index.js';
import type { HttpRequest, HttpResponseHeaders, HttpTransport } from './http-types.js';
import { excerpt } from './response-body.js';

/** A request whose body, if any, is `json` serialised. */
export interface JsonRequest extends Omit<HttpRequest, 'body'> {
  /** Sent as the body with `content-type: application/json` (unless a content-type header is given). */
  json?: unknown;
}

/** A response read completely and parsed. */
export interface JsonResponse<T = unknown> {
  status: number;
  headers: HttpResponseHeaders;
  /** The parsed body; `undefined` when the body was empty (e.g. 204). */
  data: T | undefined;
}

function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/**
 * Sends `req` (with `json` as the body) and parses the response as JSON, whatever the status; the caller
 * decides what a status means. A malformed body -> `ResponseFormatError` carrying the status.
 */
export async function requestJson<T = unknown>(
  transport: HttpTransport,
  req: JsonRequest,
): Promise<JsonResponse<T>> {
  const { json, ...rest } = req;
  const headers: Record<string, string> = { ...rest.headers };
  if (!hasHeader(headers, 'accept')) headers.accept = 'application/json';
  let body: string | undefined;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
  }
  const response = await transport.request({ ...rest, headers, body });
  const text = await response.body.text();
  let data: T | undefined;
  if (text.trim() !== '') {
    try {
      data = JSON.parse(text) as T;
    } catch (error) {
      throw new ResponseFormatError(`Malformed JSON in response body: ${excerpt(text)}`, {
        status: response.status,
        cause: error,
      });
    }
  }
  return { status: response.status, headers: response.headers, data };
}
