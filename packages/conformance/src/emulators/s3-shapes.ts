/** XML bodies of the S3 emulator, in S3's exact shapes (namespace `http://s3.amazonaws.com/doc/2006-03-01/`). */
import type { ErrorSpec, JsonReply } from '../emulator/types.js';

/** S3's XML namespace. */
export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for XML. */
export function xml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The S3 error code an error fault or a status gets when none is given. */
export function defaultS3Code(status: number): string {
  const codes: Record<number, string> = {
    400: 'InvalidArgument',
    401: 'Unauthorized',
    403: 'AccessDenied',
    404: 'NoSuchKey',
    405: 'MethodNotAllowed',
    409: 'OperationAborted',
    411: 'MissingContentLength',
    412: 'PreconditionFailed',
    416: 'InvalidRange',
    429: 'TooManyRequests',
    500: 'InternalError',
    501: 'NotImplemented',
    503: 'SlowDown',
  };
  return codes[status] ?? (status >= 500 ? 'ServiceUnavailable' : 'InvalidRequest');
}

const MESSAGES: Record<string, string> = {
  NoSuchKey: 'The specified key does not exist.',
  NoSuchBucket: 'The specified bucket does not exist.',
  NoSuchUpload: 'The specified multipart upload does not exist.',
  AccessDenied: 'Access Denied',
  SlowDown: 'Please reduce your request rate.',
  InternalError: 'We encountered an internal error. Please try again.',
  InvalidRange: 'The requested range is not satisfiable',
};

/** An `<Error>` document. */
export function errorXml(
  code: string,
  message: string,
  resource: string,
  requestId: string,
  extra = '',
): string {
  return `${DECLARATION}<Error><Code>${xml(code)}</Code><Message>${xml(message)}</Message><Resource>${xml(resource)}</Resource>${extra}<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString('base64')}</HostId></Error>`;
}

/** The error reply of a status and code (as S3 sends it: XML, `application/xml`). */
export function s3ErrorReply(
  spec: ErrorSpec & { extra?: string },
  resource: string,
  requestId: string,
): JsonReply {
  const code = spec.code ?? defaultS3Code(spec.status);
  return {
    kind: 'json',
    status: spec.status,
    contentType: 'application/xml',
    body: errorXml(code, spec.message ?? MESSAGES[code] ?? code, resource, requestId, spec.extra ?? ''),
  };
}

/** A 200 XML document. */
export function xmlReply(body: string, status = 200, headers?: Record<string, string>): JsonReply {
  return { kind: 'json', status, contentType: 'application/xml', body: `${DECLARATION}${body}`, headers };
}

/** An ISO time with milliseconds, as S3 lists it. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
