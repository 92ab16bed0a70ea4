/** Presigned GET/PUT URLs of a kit's endpoint: signed locally (no request is made), expiry 1 s .. 7 days. */
import { AuthenticationError, buildUrl, InvalidRequestError, type LaneInfo } from '@ipfs-accelerate/core';
import { addressUrl, objectPath } from './s3-address.js';
import type { S3Addressing } from './s3-config.js';
import { presignRequest } from './sigv4-presign.js';

/** What to presign. */
export interface PresignUrlInput {
  bucket: string;
  key: string;
  /** @default 'GET' */
  method?: 'GET' | 'PUT';
  /** Seconds the URL stays valid, 1 .. 604800. @default 3600 (the seed's) */
  expiresIn?: number;
  /** For PUT: the content type the uploader must send (it is signed). */
  contentType?: string;
  /** The endpoint (and so the credentials) to sign for. @default the first */
  endpointId?: string;
}

/** Presigns a URL for a lane's endpoint and credentials. */
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
    { expiresIn: input.expiresIn ?? 3600 },
  );
  url.search = query;
  return url.href;
}
