/**
 * The S3 emulator's SigV4 verifier, written independently of the kit's signer: it recomputes the signature
 * of a request (Authorization header or presigned query) from what arrived on the wire and refuses a
 * mismatch with 403 `SignatureDoesNotMatch`, as S3 does. The official AWS client passing it is what proves
 * it (and a wrong secret failing it is what proves it checks).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EmulatorRequest } from '../emulator/types.js';

/** A rejection: the S3 error code, status and message (plus the strings S3 echoes on a bad signature). */
export interface SigV4Failure {
  status: number;
  code: string;
  message: string;
  stringToSign?: string;
  canonicalRequest?: string;
}

/** A credential the emulator accepts. */
export interface EmulatorCredential {
  secretAccessKey: string;
  /** When set, requests must carry this session token. */
  sessionToken?: string;
}

/** What verification needs besides the request. */
export interface VerifyOptions {
  credentials: ReadonlyMap<string, EmulatorCredential>;
  region: string;
  /** Wall-clock milliseconds. */
  now: number;
}

const MAX_SKEW_MS = 15 * 60 * 1000;

function encode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function canonicalPath(path: string): string {
  return (
    path
      .split('/')
      .map((segment) => encode(decode(segment)))
      .join('/') || '/'
  );
}

function canonicalQueryOf(query: URLSearchParams, skip?: string): string {
  return [...query]
    .filter(([name]) => name !== skip)
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a = '', av = ''], [b = '', bv = '']) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function headerText(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

function parseAmzDate(text: string | undefined): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

interface Parsed {
  accessKeyId: string;
  scope: string[];
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  token: string | undefined;
  presigned: boolean;
  expires?: number;
}

function parse(request: EmulatorRequest): Parsed | SigV4Failure {
  const authorization = headerText(request, 'authorization');
  const q = request.query;
  if (authorization !== undefined) {
    const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
    if (!m)
      return {
        status: 400,
        code: 'AuthorizationHeaderMalformed',
        message: 'The authorization header is malformed.',
      };
    const [accessKeyId = '', ...scope] = (m[1] ?? '').split('/');
    const payloadHash = headerText(request, 'x-amz-content-sha256');
    if (payloadHash === undefined) {
      return {
        status: 400,
        code: 'InvalidRequest',
        message: 'Missing required header for this request: x-amz-content-sha256',
      };
    }
    return {
      accessKeyId,
      scope,
      signedHeaders: (m[2] ?? '').split(';'),
      signature: m[3] ?? '',
      amzDate: headerText(request, 'x-amz-date') ?? '',
      payloadHash,
      token: headerText(request, 'x-amz-security-token'),
      presigned: false,
    };
  }
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const [accessKeyId = '', ...scope] = (q.get('X-Amz-Credential') ?? '').split('/');
    return {
      accessKeyId,
      scope,
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: q.get('X-Amz-Signature') ?? '',
      amzDate: q.get('X-Amz-Date') ?? '',
      payloadHash: headerText(request, 'x-amz-content-sha256') ?? 'UNSIGNED-PAYLOAD',
      token: q.get('X-Amz-Security-Token') ?? undefined,
      presigned: true,
      expires: Number(q.get('X-Amz-Expires')),
    };
  }
  return { status: 403, code: 'AccessDenied', message: 'Access Denied (the request is not signed)' };
}

/** Verifies a request's SigV4 signature; returns the failure, or undefined when the request is authentic. */
export function verifySigV4(request: EmulatorRequest, options: VerifyOptions): SigV4Failure | undefined {
  const parsed = parse(request);
  if ('code' in parsed) return parsed;
  const credential = options.credentials.get(parsed.accessKeyId);
  if (!credential) {
    return {
      status: 403,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  }
  const [dateStamp = '', region = '', service = '', terminal = ''] = parsed.scope;
  if (region !== options.region || service !== 's3' || terminal !== 'aws4_request') {
    return {
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      message: `the region '${region}' is wrong; expecting '${options.region}'`,
    };
  }
  const signedAt = parseAmzDate(parsed.amzDate);
  if (signedAt === undefined || !parsed.amzDate.startsWith(dateStamp)) {
    return {
      status: 403,
      code: 'AccessDenied',
      message: 'X-Amz-Date is missing or does not match the credential scope',
    };
  }
  if (parsed.presigned) {
    const expires = parsed.expires ?? Number.NaN;
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      return {
        status: 400,
        code: 'AuthorizationQueryParametersError',
        message: 'X-Amz-Expires must be from 1 to 604800 seconds',
      };
    }
    if (options.now > signedAt + expires * 1000)
      return { status: 403, code: 'AccessDenied', message: 'Request has expired' };
  } else if (Math.abs(options.now - signedAt) > MAX_SKEW_MS) {
    return {
      status: 403,
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
    };
  }
  if (credential.sessionToken !== undefined && parsed.token !== credential.sessionToken) {
    return {
      status: 403,
      code: 'InvalidToken',
      message: 'The provided token is malformed or otherwise invalid.',
    };
  }
  if (!parsed.signedHeaders.includes('host')) {
    return { status: 403, code: 'AccessDenied', message: 'host must be a signed header' };
  }
  for (const name of Object.keys(request.headers)) {
    if (
      name.startsWith('x-amz-') &&
      name !== 'x-amz-content-sha256' &&
      !parsed.presigned &&
      !parsed.signedHeaders.includes(name)
    ) {
      return {
        status: 403,
        code: 'AccessDenied',
        message: `There were headers present in the request which were not signed: ${name}`,
      };
    }
  }
  const canonicalHeaders = parsed.signedHeaders
    .map((name) => `${name}:${headerText(request, name) ?? ''}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQueryOf(request.query, parsed.presigned ? 'X-Amz-Signature' : undefined),
    canonicalHeaders,
    parsed.signedHeaders.join(';'),
    parsed.payloadHash,
  ].join('\n');
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    parsed.amzDate,
    parsed.scope.join('/'),
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credential.secretAccessKey}`, dateStamp), region), service),
    terminal,
  );
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  const given = Buffer.from(parsed.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      stringToSign,
      canonicalRequest,
    };
  }
  return undefined;
}

/** Checks a signed payload hash against the body (S3's `XAmzContentSHA256Mismatch`). */
export function verifyPayloadHash(request: EmulatorRequest, body: Buffer): SigV4Failure | undefined {
  const claimed = headerText(request, 'x-amz-content-sha256');
  if (claimed === undefined || !/^[0-9a-f]{64}$/.test(claimed)) return undefined;
  if (createHash('sha256').update(body).digest('hex') === claimed) return undefined;
  return {
    status: 400,
    code: 'XAmzContentSHA256Mismatch',
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  };
}
