/**
 * S3's errors in the common taxonomy. S3 answers with an XML `<Error><Code/><Message/><RequestId/></Error>`
 * body (none for HEAD, which is mapped by status), and a few operations (CompleteMultipartUpload, CopyObject,
 * UploadPartCopy) can answer HTTP 200 whose body is an `<Error>`: {@link s3ErrorInBody} catches those.
 */
import {
  type AccelerateError,
  AuthenticationError,
  ConflictError,
  type ErrorResponse,
  errorFromStatus,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from '@ipfs-accelerate/core';
import { xmlRoot, xmlText } from './s3-xml.js';

const AUTHENTICATION = new Set([
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'RequestTimeTooSkewed',
  'AuthorizationHeaderMalformed',
  'MissingSecurityHeader',
  'InvalidSecurity',
]);
const PERMISSION = new Set(['AccessDenied', 'AllAccessDisabled', 'AccountProblem', 'InvalidPayer']);
const NOT_FOUND = new Set(['NoSuchKey', 'NoSuchBucket', 'NoSuchUpload', 'NoSuchVersion', 'NotFound']);
const OVERLOADED = new Set(['SlowDown', 'ServiceUnavailable', 'Busy']);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
]);
const SERVER = new Set(['InternalError', 'InternalFailure']);
const CONFLICT = new Set([
  'BucketAlreadyExists',
  'BucketAlreadyOwnedByYou',
  'OperationAborted',
  'BucketNotEmpty',
]);

/**
 * The taxonomy error of an S3 error code and status: SlowDown/ServiceUnavailable -> OverloadedError
 * (retried), throttling codes -> RateLimitError, NoSuchKey/NoSuchBucket/NoSuchUpload -> NotFoundError,
 * SignatureDoesNotMatch/InvalidAccessKeyId/expired tokens/clock skew -> AuthenticationError, AccessDenied ->
 * PermissionDeniedError, InternalError -> ServerError (retried), RequestTimeout -> TimeoutError (retried),
 * conflicts -> ConflictError; other codes by status.
 */
export function s3Error(
  status: number,
  code: string | undefined,
  message: string | undefined,
): AccelerateError {
  const text = message && message !== '' ? message : code ? `${code} (HTTP ${status})` : `HTTP ${status}`;
  const options = { status, providerCode: code };
  if (code !== undefined) {
    if (OVERLOADED.has(code)) return new OverloadedError(text, options);
    if (THROTTLED.has(code)) return new RateLimitError(text, options);
    if (NOT_FOUND.has(code)) return new NotFoundError(text, options);
    if (AUTHENTICATION.has(code)) return new AuthenticationError(text, options);
    if (PERMISSION.has(code)) return new PermissionDeniedError(text, options);
    if (SERVER.has(code)) return new ServerError(text, options);
    if (CONFLICT.has(code)) return new ConflictError(text, options);
    if (code === 'RequestTimeout') return new TimeoutError(text, { ...options, kind: 'server' });
    if (status === 200) return new ServerError(text, options);
  }
  if (status === 200) return new ServerError(text, options);
  return errorFromStatus({ status, message: text, providerCode: code });
}

/** Maps an S3 error response (XML body, or none for HEAD) to the taxonomy. */
export function parseS3Error(response: ErrorResponse): AccelerateError {
  const body = response.bodyText;
  const isXml = xmlRoot(body) === 'Error';
  if (!isXml && response.status === 301) {
    return new InvalidRequestError(
      's3: the bucket is in another region or needs another endpoint (HTTP 301); set region or the endpoint',
      { status: 301 },
    );
  }
  const code = isXml ? xmlText(body, 'Code') : undefined;
  const message = isXml ? xmlText(body, 'Message') : undefined;
  const error = s3Error(response.status, code, message ?? (body.trim().slice(0, 300) || undefined));
  const requestId = isXml ? xmlText(body, 'RequestId') : undefined;
  if (requestId && !response.providerRequestId) error.providerRequestId = requestId;
  return error;
}

/** When a 200 body is an `<Error>` document, the taxonomy error it carries (else undefined). */
export function s3ErrorInBody(xml: string, status: number): AccelerateError | undefined {
  if (xmlRoot(xml) !== 'Error') return undefined;
  const error = s3Error(status, xmlText(xml, 'Code'), xmlText(xml, 'Message'));
  error.providerRequestId ??= xmlText(xml, 'RequestId');
  return error;
}
