/**
 * AWS Signature Version 4 with `node:crypto`: signing key derivation, the canonical request, the string to
 * sign and the `Authorization` header. Pure functions: the time is an input, nothing is cached or logged.
 * Presigned URLs are in `sigv4-presign.ts`; the canonical forms in `sigv4-canonical.ts`.
 */
import { createHash, createHmac } from 'node:crypto';
import { InvalidRequestError } from '@ipfs-accelerate/core';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  parseQuery,
  type QueryPairs,
  type SignableHeaders,
} from './sigv4-canonical.js';

/** The signing algorithm name. */
export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** The payload hash that tells S3 the body is not signed (streams, presigned URLs). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Hex SHA-256 of the empty string. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** AWS credentials. The secret and the token never leave the signer except as HMAC output. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (STS) carry a session token, sent as `x-amz-security-token`. */
  sessionToken?: string;
}

/** Where and when a signature applies. */
export interface SigV4Scope {
  credentials: SigV4Credentials;
  /** E.g. `us-east-1`. */
  region: string;
  /** @default 's3' */
  service?: string;
  /** The signing time. */
  date: Date;
}

/** A request to sign, as it goes on the wire. */
export interface SigV4Request {
  method: string;
  /** The path exactly as sent (percent-encoded or not); never resolved against `.`/`..` for S3. */
  path: string;
  /** The raw query string (without `?`) or decoded pairs. */
  query?: string | QueryPairs;
  /** Headers to sign; must include `host`. */
  headers: SignableHeaders;
}

/** Signing choices. */
export interface SigV4Options {
  /**
   * Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. When absent it is computed from `body`.
   */
  payloadHash?: string;
  /** The body to hash when `payloadHash` is absent (absent: the empty body). */
  body?: string | Uint8Array;
  /** Send the payload hash as `x-amz-content-sha256` (S3 requires it). @default true for service `s3` */
  contentSha256Header?: boolean;
  /** Remove dot segments and repeated slashes before signing. S3 never does. @default false */
  normalizePath?: boolean;
  /** Sign the session token (false: add it after signing, as some STS flows do). @default true */
  signSessionToken?: boolean;
}

/** The outcome of signing: the headers to add, and the intermediate forms (for tests and diagnostics). */
export interface SigV4Result {
  /** Headers to add to the request: `authorization`, `x-amz-date`, and the hash and token headers. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
  signedHeaders: string;
}

/** Hex SHA-256 of text (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `20130524T000000Z` and `20130524` for a time. */
export function amzDate(date: Date): { amzDate: string; dateStamp: string } {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new InvalidRequestError('sigv4: the signing date must be a valid Date');
  }
  const iso = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return { amzDate: iso, dateStamp: iso.slice(0, 8) };
}

/** `<date>/<region>/<service>/aws4_request`. */
export function credentialScope(dateStamp: string, region: string, service: string): string {
  return `${dateStamp}/${region}/${service}/aws4_request`;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, dateStamp: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secret}`, dateStamp);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
}

/** The canonical request of SigV4 (six lines, the header block ending in a blank line). */
export function buildCanonicalRequest(parts: {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
}): string {
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
}

/** `AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256 of the canonical request>`. */
export function buildStringToSign(amz: string, scope: string, canonicalRequest: string): string {
  return [SIGV4_ALGORITHM, amz, scope, sha256Hex(canonicalRequest)].join('\n');
}

/** Hex HMAC of the string to sign with the derived key. */
export function signatureOf(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

/** Checks the pieces every signature needs, before any hashing. */
export function validateScope(scope: SigV4Scope): void {
  const { credentials } = scope;
  if (typeof credentials?.accessKeyId !== 'string' || credentials.accessKeyId === '') {
    throw new InvalidRequestError('sigv4: credentials.accessKeyId is required');
  }
  if (typeof credentials.secretAccessKey !== 'string' || credentials.secretAccessKey === '') {
    throw new InvalidRequestError('sigv4: credentials.secretAccessKey is required');
  }
  if (typeof scope.region !== 'string' || !/^[a-z0-9-]+$/i.test(scope.region)) {
    throw new InvalidRequestError('sigv4: region must be a region name such as us-east-1');
  }
}

/** The canonical query of a raw string or pairs. */
export function queryOf(query: string | QueryPairs | undefined): string {
  if (query === undefined) return '';
  return canonicalQuery(typeof query === 'string' ? parseQuery(query.replace(/^\?/, '')) : query);
}

/** Finds a header case-insensitively. */
export function headerValue(headers: SignableHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined)
      return typeof value === 'string' ? value : value.join(',');
  }
  return undefined;
}

/**
 * Signs a request with the `Authorization` header (header-based SigV4). Returns the headers to add; the
 * request's own headers are signed as given (drop hop-by-hop headers such as `connection` before calling).
 */
export function signRequest(
  request: SigV4Request,
  scope: SigV4Scope,
  options: SigV4Options = {},
): SigV4Result {
  validateScope(scope);
  if (headerValue(request.headers, 'host') === undefined) {
    throw new InvalidRequestError('sigv4: the host header must be signed');
  }
  const service = scope.service ?? 's3';
  const { amzDate: amz, dateStamp } = amzDate(scope.date);
  const payloadHash = options.payloadHash ?? sha256Hex(options.body ?? '');
  const added: Record<string, string> = { 'x-amz-date': amz };
  if (options.contentSha256Header ?? service === 's3') added['x-amz-content-sha256'] = payloadHash;
  const token = scope.credentials.sessionToken;
  const signToken = token !== undefined && token !== '' && options.signSessionToken !== false;
  if (signToken) added['x-amz-security-token'] = token;
  const lowered: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!(name.toLowerCase() in added) && name.toLowerCase() !== 'authorization') lowered[name] = value;
  }
  const { canonical, signed } = canonicalHeaders({ ...lowered, ...added });
  const canonicalRequest = buildCanonicalRequest({
    method: request.method,
    canonicalUri: canonicalUri(request.path, options.normalizePath ?? false),
    canonicalQuery: queryOf(request.query),
    canonicalHeaders: canonical,
    signedHeaders: signed,
    payloadHash,
  });
  const scopeText = credentialScope(dateStamp, scope.region, service);
  const stringToSign = buildStringToSign(amz, scopeText, canonicalRequest);
  const key = deriveSigningKey(scope.credentials.secretAccessKey, dateStamp, scope.region, service);
  const signature = signatureOf(key, stringToSign);
  const headers: Record<string, string> = {
    ...added,
    authorization: `${SIGV4_ALGORITHM} Credential=${scope.credentials.accessKeyId}/${scopeText}, SignedHeaders=${signed}, Signature=${signature}`,
  };
  if (token !== undefined && token !== '' && !signToken) headers['x-amz-security-token'] = token;
  return { headers, canonicalRequest, stringToSign, signature, signedHeaders: signed };
}
