/**
 * Query-string SigV4 (presigned URLs): the credential, date, expiry and signed header names go in the query,
 * the signature last. Expiry is bounded like S3's: 1 second to 7 days.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import {
  amzDate,
  buildCanonicalRequest,
  buildStringToSign,
  credentialScope,
  deriveSigningKey,
  headerValue,
  SIGV4_ALGORITHM,
  type SigV4Request,
  type SigV4Scope,
  signatureOf,
  UNSIGNED_PAYLOAD,
  validateScope,
} from './sigv4.js';
import { canonicalHeaders, canonicalQuery, canonicalUri, parseQuery, uriEncode } from './sigv4-canonical.js';

/** Longest expiry S3 accepts for a presigned URL: 7 days, in seconds. */
export const MAX_PRESIGN_EXPIRES_SECONDS = 604_800;

/** Options of a presigned request. */
export interface PresignOptions {
  /** Seconds the URL stays valid, 1 .. 604800. */
  expiresIn: number;
  /** @default 'UNSIGNED-PAYLOAD' for S3, else the empty-body hash */
  payloadHash?: string;
  /** Remove dot segments and repeated slashes before signing (never for S3). @default false */
  normalizePath?: boolean;
  /** Sign the session token (false: append it after signing). @default true */
  signSessionToken?: boolean;
}

/** The signed query string (without `?`) and the intermediate forms. */
export interface PresignResult {
  /** The request's own parameters plus the `X-Amz-*` ones, RFC 3986 encoded, the signature last. */
  query: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** Validates an expiry in seconds: an integer from 1 to 7 days, else an InvalidRequestError naming the bound. */
export function validateExpiresIn(expiresIn: unknown): number {
  if (
    typeof expiresIn !== 'number' ||
    !Number.isInteger(expiresIn) ||
    expiresIn < 1 ||
    expiresIn > MAX_PRESIGN_EXPIRES_SECONDS
  ) {
    throw new InvalidRequestError(
      `sigv4: expiresIn must be an integer number of seconds from 1 to ${MAX_PRESIGN_EXPIRES_SECONDS} (7 days); got ${
        // Only numbers are echoed: String() of an arbitrary object can throw (or run its toString).
        typeof expiresIn === 'number'
          ? String(expiresIn)
          : `a value of type ${expiresIn === null ? 'null' : typeof expiresIn}`
      }`,
    );
  }
  return expiresIn;
}

/** Presigns a request: every given header is signed (`host` at least) and must be sent with the URL. */
export function presignRequest(
  request: SigV4Request,
  scope: SigV4Scope,
  options: PresignOptions,
): PresignResult {
  validateScope(scope);
  const expiresIn = validateExpiresIn(options.expiresIn);
  if (headerValue(request.headers, 'host') === undefined) {
    throw new InvalidRequestError('sigv4: the host header must be signed');
  }
  const service = scope.service ?? 's3';
  const { amzDate: amz, dateStamp } = amzDate(scope.date);
  const scopeText = credentialScope(dateStamp, scope.region, service);
  const { canonical, signed } = canonicalHeaders(request.headers);
  const own =
    request.query === undefined
      ? []
      : typeof request.query === 'string'
        ? parseQuery(request.query.replace(/^\?/, ''))
        : [...request.query];
  const token = scope.credentials.sessionToken;
  const hasToken = token !== undefined && token !== '';
  const signToken = hasToken && options.signSessionToken !== false;
  const params: Array<[string, string]> = [
    ...own.map(([n, v]) => [n, v] as [string, string]),
    ['X-Amz-Algorithm', SIGV4_ALGORITHM],
    ['X-Amz-Credential', `${scope.credentials.accessKeyId}/${scopeText}`],
    ['X-Amz-Date', amz],
    ['X-Amz-Expires', String(expiresIn)],
    ['X-Amz-SignedHeaders', signed],
  ];
  if (signToken) params.push(['X-Amz-Security-Token', token]);
  const query = canonicalQuery(params);
  const payloadHash =
    options.payloadHash ??
    (service === 's3'
      ? UNSIGNED_PAYLOAD
      : 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    canonicalUri: canonicalUri(request.path, options.normalizePath ?? false),
    canonicalQuery: query,
    canonicalHeaders: canonical,
    signedHeaders: signed,
    payloadHash,
  });
  const stringToSign = buildStringToSign(amz, scopeText, canonicalRequest);
  const signature = signatureOf(
    deriveSigningKey(scope.credentials.secretAccessKey, dateStamp, scope.region, service),
    stringToSign,
  );
  const late = hasToken && !signToken ? `&X-Amz-Security-Token=${uriEncode(token)}` : '';
  return { query: `${query}${late}&X-Amz-Signature=${signature}`, canonicalRequest, stringToSign, signature };
}
