/** Presigned GET/PUT URLs of a kit's endpoint: signed locally (no request is made), expiry 1 s .. 7 days. */
import { AuthenticationError, buildUrl, InvalidRequestError, type LaneInfo } from '@ipfs-accelerate/core';
import { addressUrl, objectPath } from './s3-address.js';
import type { S3Addressing } from './s3-config.js';
import { MAX_PRESIGN_EXPIRES_SECONDS, presignRequest, validateExpiresIn } from './sigv4-presign.js';

/** Expiry of a presigned URL when none is given: one hour, in seconds. */
export const DEFAULT_PRESIGN_EXPIRES_SECONDS = 3600;

/** What to presign. */
export interface PresignUrlInput {
  bucket: string;
  key: string;
  /** @default 'GET' */
  method?: 'GET' | 'PUT';
  /**
   * Seconds the URL stays valid: an integer from 1 to 604800 (7 days, S3's limit); anything else (0, negative,
   * fractional, NaN, over 7 days, not a number) is an InvalidRequestError before anything is signed.
   * @default 3600 ({@link DEFAULT_PRESIGN_EXPIRES_SECONDS})
   */
  expiresIn?: number;
  /** For PUT: the content type the uploader must send (it is signed). */
  contentType?: string;
  /** The endpoint (and so the credentials) to sign for. @default the first */
  endpointId?: string;
}

/**
 * Presigns a URL for a lane's endpoint and credentials, valid from `now` for `input.expiresIn` seconds
 * (default {@link DEFAULT_PRESIGN_EXPIRES_SECONDS}, at most {@link MAX_PRESIGN_EXPIRES_SECONDS}). The input is
 * validated (expiry first) before any credential is read or anything computed; failures are InvalidRequestError.
 */
export function presignObjectUrl(
  lane: LaneInfo,
  region: string,
  addressing: S3Addressing,
  now: Date,
  input: PresignUrlInput,
): string {
  if (typeof input !== 'object' || input === null)
    throw new InvalidRequestError('s3: presign input must be an object');
  const method = input.method ?? 'GET';
  if (method !== 'GET' && method !== 'PUT')
    throw new InvalidRequestError('s3: presigned URLs are for GET or PUT');
  const expiresIn = validateExpiresIn(
    input.expiresIn === undefined ? DEFAULT_PRESIGN_EXPIRES_SECONDS : input.expiresIn,
  );
  const accessKeyId = lane.apiKey();
  const secretAccessKey = lane.secret('secretAccessKey');
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new AuthenticationError(`s3: endpoint ${lane.id} has no credentials`);
  }
  const url = addressUrl(
    buildUrl(lane.baseURL, objectPath(input.bucket, input.key)),
    lane.baseURL,
    addressing,
  );
  const headers: Record<string, string> = { host: url.host };
  if (input.contentType !== undefined) {
    if (typeof input.contentType !== 'string' || input.contentType === '') {
      throw new InvalidRequestError('s3: contentType must be a non-empty string');
    }
    headers['content-type'] = input.contentType;
  }
  const { query } = presignRequest(
    { method, path: url.pathname, headers },
    {
      credentials: { accessKeyId, secretAccessKey, sessionToken: lane.secret('sessionToken') },
      region,
      service: 's3',
      date: now,
    },
    { expiresIn },
  );
  url.search = query;
  return url.href;
}
