import {
  type Backend,
  InvalidRequestError,
  type RequestOptions,
  type ResponseBody,
} from '@ipfs-accelerate/core';
import { objectPath } from './s3-address.js';
import { prepareUploadBody, type S3UploadBody } from './s3-body.js';
import {
  type ByteRange,
  objectInfoFromHeaders,
  rangeHeader,
  type S3ObjectInfo,
  verifyBody,
} from './s3-object-info.js';

/** What the operations share. */
export interface S3Context {
  backend: Backend;
  /** Check downloaded bodies against the checksum or MD5 ETag S3 sent. */
  verifyChecksums: boolean;
}

/** An object to write. */
export interface PutObjectInput {
  bucket: string;
  key: string;
  /** Text, bytes, or a stream (with `contentLength`). Give this or `filePath`. */
  body?: S3UploadBody;
  /** A file streamed from disk (re-opened on a retry). Give this or `body`. */
  filePath?: string;
  /** Required for a stream body. */
  contentLength?: number;
  contentType?: string;
  /** Stored as `x-amz-meta-<name>`. */
  metadata?: Record<string, string>;
}

/** What a write returns. */
export interface PutObjectResult {
  etag?: string;
  versionId?: string;
  requestId: string;
}

/** An object (or a byte range of it) to read. */
export interface GetObjectInput {
  bucket: string;
  key: string;
  range?: ByteRange;
}

/** Where to copy from and to. */
export interface CopyObjectInput {
  source: { bucket: string; key: string };
  bucket: string;
  key: string;
  /** New metadata (replaces the source's); absent: the source's metadata is copied. */
  metadata?: Record<string, string>;
  contentType?: string;
}

/** What a batch delete did. */
export interface DeleteObjectsResult {
  deleted: string[];
  errors: Array<{ key: string; code: string; message: string }>;
  requestId: string;
}

/** `x-amz-meta-*` and content-type headers, validated. */
export function metadataHeaders(metadata: unknown, contentType: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (contentType !== undefined) {
    if (typeof contentType !== 'string' || contentType === '') {
      throw new InvalidRequestError('s3: contentType must be a non-empty string');
    }
    headers['content-type'] = contentType;
  }
  if (metadata === undefined) return headers;
  if (typeof metadata !== 'object' || metadata === null)
    throw new InvalidRequestError('s3: metadata must be an object');
  for (const [name, value] of Object.entries(metadata)) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new InvalidRequestError(
        `s3: metadata ${JSON.stringify(name)} must be a header-safe name with a one-line string value`,
      );
    }
    headers[`x-amz-meta-${name.toLowerCase()}`] = value;
  }
  return headers;
}

function requireObject(input: unknown, what: string): void {
  if (typeof input !== 'object' || input === null)
    throw new InvalidRequestError(`s3: ${what} must be an object`);
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** PutObject: `PUT /<bucket>/<key>`. */
export async function putObject(
  ctx: S3Context,
  input: PutObjectInput,
  options?: RequestOptions,
): Promise<PutObjectResult> {
  requireObject(input, 'putObject input');
  const path = objectPath(input.bucket, input.key);
  const headers = metadataHeaders(input.metadata, input.contentType);
  const body = await prepareUploadBody(input);
  return ctx.backend.call(
    {
      operation: 'put-object',
      method: 'PUT',
      path,
      body: body.body,
      headers: { ...headers, ...body.headers },
      retry: body.retry,
      parse: (response, attempt) => {
        const result: PutObjectResult = { requestId: attempt.requestId };
        const etag = headerOf(response.headers.etag);
        if (etag) result.etag = etag;
        const versionId = headerOf(response.headers['x-amz-version-id']);
        if (versionId) result.versionId = versionId;
        return result;
      },
    },
    options,
  );
}

function readSpec(input: GetObjectInput): { path: string; headers: Record<string, string>; key: string } {
  requireObject(input, 'getObject input');
  const path = objectPath(input.bucket, input.key);
  const headers: Record<string, string> = { 'x-amz-checksum-mode': 'ENABLED' };
  const range = rangeHeader(input.range);
  if (range) headers.range = range;
  return { path, headers, key: input.key };
}

/** GetObject, the whole body in memory (checked against S3's checksum or MD5 ETag). */
export async function getObject(
  ctx: S3Context,
  input: GetObjectInput,
  options?: RequestOptions,
): Promise<{ body: Uint8Array; info: S3ObjectInfo; requestId: string }> {
  const { path, headers, key } = readSpec(input);
  return ctx.backend.call(
    {
      operation: 'get-object',
      method: 'GET',
      path,
      headers,
      parse: async (response, attempt) => {
        const body = await response.body.bytes();
        if (ctx.verifyChecksums && input.range === undefined) verifyBody(body, response);
        return { body, info: objectInfoFromHeaders(key, response), requestId: attempt.requestId };
      },
    },
    options,
  );
}

/**
 * GetObject as a stream: resolves when the headers arrive; the body streams from the socket (its
 * queue slot is released once the headers are in; break out of the loop to close the connection).
 */
export async function getObjectStream(
  ctx: S3Context,
  input: GetObjectInput,
  options?: RequestOptions,
): Promise<{ body: ResponseBody; info: S3ObjectInfo; requestId: string }> {
  const { path, headers, key } = readSpec(input);
  return ctx.backend.call(
    {
      operation: 'get-object-stream',
      method: 'GET',
      path,
      headers,
      // The download holds its slot until the body is read (or cancelled): streams stay within the lane's limit.
      keepsBody: true,
      parse: (response, attempt) => ({
        body: response.body,
        info: objectInfoFromHeaders(key, response),
        requestId: attempt.requestId,
      }),
    },
    options,
  );
}

/** HeadObject: the metadata, no body (a missing key is a NotFoundError). */
export async function headObject(
  ctx: S3Context,
  input: { bucket: string; key: string },
  options?: RequestOptions,
): Promise<S3ObjectInfo> {
  requireObject(input, 'headObject input');
  return ctx.backend.call(
    {
      operation: 'head-object',
      method: 'HEAD',
      path: objectPath(input.bucket, input.key),
      parse: (response) => objectInfoFromHeaders(input.key, response),
    },
    options,
  );
}

/** DeleteObject (S3 answers 204 whether or not the key existed). */
export async function deleteObject(
  ctx: S3Context,
  input: { bucket: string; key: string },
  options?: RequestOptions,
): Promise<void> {
  requireObject(input, 'deleteObject input');
  await ctx.backend.call(
    {
      operation: 'delete-object',
      method: 'DELETE',
      path: objectPath(input.bucket, input.key),
      parse: () => undefined,
    },
    options,
  );
}
