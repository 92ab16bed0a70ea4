/**
 * The S3 kit: object storage on any S3-compatible service through the core pipeline (queue, breaker, retry,
 * tracking, multiplexing over endpoints with their own credentials). This file wires options to the
 * operations in `s3-objects.ts`, `s3-list.ts`, `s3-multipart.ts` and `s3-presign.ts`.
 */
import { inspect } from 'node:util';
import {
  type BackendControl,
  backendControl,
  type ClientOptions,
  createBackend,
  InvalidRequestError,
  type ObjectStoreCapability,
  type RequestOptions,
  type ResponseBody,
} from '@ipfs-accelerate/core';
import {
  resolveS3Config,
  type S3Addressing,
  type S3Credentials,
  type S3EndpointOptions,
} from './s3-config.js';
import { copyObject, deleteObjects } from './s3-copy-delete.js';
import {
  type ListObjectsInput,
  type ListObjectsPage,
  listObjectPages,
  objectListing,
  type S3ObjectListing,
} from './s3-list.js';
import {
  abortMultipartUpload,
  type CompletedPart,
  completeMultipartUpload,
  createMultipartUpload,
  type UploadFileInput,
  type UploadFileResult,
  uploadFile,
  uploadFilePart,
} from './s3-multipart.js';
import type { S3ObjectInfo } from './s3-object-info.js';
import {
  type CopyObjectInput,
  type DeleteObjectsResult,
  deleteObject,
  type GetObjectInput,
  getObject,
  getObjectStream,
  headObject,
  type PutObjectInput,
  type PutObjectResult,
  putObject,
  type S3Context,
} from './s3-objects.js';
import { type PresignUrlInput, presignObjectUrl } from './s3-presign.js';
import { s3Protocol } from './s3-protocol.js';

/** Options of {@link createS3Kit}. */
export interface S3KitOptions extends Omit<ClientOptions, 'apiKey' | 'endpoints'>, S3Credentials {
  /**
   * The service URL. @default `S3_ENDPOINT`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, else AWS for the region
   */
  endpoint?: string;
  /** Signing region. @default `AWS_REGION`, `AWS_DEFAULT_REGION`, the endpoint's AWS host, else us-east-1 */
  region?: string;
  /** Several endpoints, each with its own credentials, region and limits, multiplexed by `strategy`. */
  endpoints?: S3EndpointOptions[];
  /** `path` (MinIO, Ceph, emulators), `virtual-hosted`, or `auto` (virtual-hosted on amazonaws.com). @default 'auto' */
  addressing?: S3Addressing;
  /** Check downloaded bodies against S3's checksum or MD5 ETag. @default true */
  verifyChecksums?: boolean;
  /** Wall-clock time for signatures (not the pipeline clock). @default `() => new Date()` */
  now?: () => Date;
}

/** An S3 client: the object store capability, S3's own operations, and stats and endpoint control. */
export interface S3KitClient extends ObjectStoreCapability, BackendControl {
  readonly provider: 's3-kit';
  /** PutObject from text, bytes, a stream (with `contentLength`) or a file. Operation `put-object`. */
  putObject(input: PutObjectInput, options?: RequestOptions): Promise<PutObjectResult>;
  /** GetObject into memory, optionally a byte range. Operation `get-object`. */
  getObject(
    input: GetObjectInput,
    options?: RequestOptions,
  ): Promise<{ body: Uint8Array; info: S3ObjectInfo; requestId: string }>;
  /**
   * GetObject as a stream of chunks, optionally a byte range. Operation `get-object-stream`. The download keeps
   * its connection and its place in the lane's concurrency until the body has arrived in full, failed, or was
   * cancelled: read it (`for await`, or `bytes()`/`text()`), leave the loop, or `cancel()` it; never just drop it.
   */
  getObjectStream(
    input: GetObjectInput,
    options?: RequestOptions,
  ): Promise<{ body: ResponseBody; info: S3ObjectInfo; requestId: string }>;
  /** HeadObject. Operation `head-object`. */
  headObject(input: { bucket: string; key: string }, options?: RequestOptions): Promise<S3ObjectInfo>;
  /** DeleteObject. Operation `delete-object`. */
  deleteObject(input: { bucket: string; key: string }, options?: RequestOptions): Promise<void>;
  /** DeleteObjects (1..1000 keys). Operation `delete-objects`. */
  deleteObjects(
    input: { bucket: string; keys: string[]; quiet?: boolean },
    options?: RequestOptions,
  ): Promise<DeleteObjectsResult>;
  /** ListObjectsV2: iterate objects, or `.pages()`; every page is one call (`list-objects`). */
  listObjects(input: ListObjectsInput, options?: RequestOptions): S3ObjectListing;
  /** ListObjectsV2 pages, each one call. Operation `list-objects`. */
  listObjectPages(input: ListObjectsInput, options?: RequestOptions): AsyncIterable<ListObjectsPage>;
  /** CopyObject (server-side). Operation `copy-object`. */
  copyObject(
    input: CopyObjectInput,
    options?: RequestOptions,
  ): Promise<{ etag?: string; lastModified?: Date; requestId: string }>;
  /**
   * Uploads a file: one PutObject when small, else multipart with parts streamed from disk. A multipart upload
   * that fails (a part, the caller's abort, the completion) is aborted before the original error is thrown;
   * when that abort fails too, the error carries an `uploadAbortFailure` (see `uploadAbortFailure()`).
   */
  uploadFile(input: UploadFileInput, options?: RequestOptions): Promise<UploadFileResult>;
  /** CreateMultipartUpload -> upload id. */
  createMultipartUpload(
    input: { bucket: string; key: string; contentType?: string; metadata?: Record<string, string> },
    options?: RequestOptions,
  ): Promise<string>;
  /** UploadPart from a byte range of a file. */
  uploadPart(
    input: {
      bucket: string;
      key: string;
      uploadId: string;
      partNumber: number;
      filePath: string;
      start: number;
      length: number;
    },
    options?: RequestOptions,
  ): Promise<CompletedPart>;
  /** CompleteMultipartUpload (a 200 with an `<Error>` body throws). */
  completeMultipartUpload(
    input: { bucket: string; key: string; uploadId: string; parts: readonly CompletedPart[] },
    options?: RequestOptions,
  ): Promise<{ etag?: string }>;
  /** AbortMultipartUpload. */
  abortMultipartUpload(
    input: { bucket: string; key: string; uploadId: string },
    options?: RequestOptions,
  ): Promise<void>;
  /**
   * A presigned GET or PUT URL, signed locally with `now()`: expiry an integer from 1 s to 604800 s (7 days),
   * default 3600 s; anything else is an InvalidRequestError before anything is signed.
   */
  presignUrl(input: PresignUrlInput): string;
}

const ADDRESSING: readonly S3Addressing[] = ['auto', 'path', 'virtual-hosted'];

/**
 * Creates an S3 kit. Credentials come from the options, else `S3_ACCESS_KEY`/`S3_SECRET_KEY`, else
 * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`; without a pair it throws an
 * AuthenticationError at once (never placeholder keys).
 */
export function createS3Kit(options: S3KitOptions = {}): S3KitClient {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidRequestError('s3: createS3Kit options must be an object');
  }
  const {
    endpoint,
    baseURL,
    region,
    endpoints,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    addressing = 'auto',
    verifyChecksums = true,
    now = () => new Date(),
    maxResponseBytes,
    ...pipeline
  } = options;
  if (!ADDRESSING.includes(addressing)) {
    throw new InvalidRequestError(`s3: addressing must be one of ${ADDRESSING.join(', ')}`);
  }
  if (typeof now !== 'function') throw new InvalidRequestError('s3: now must be a function returning a Date');
  const config = resolveS3Config({
    endpoint,
    baseURL,
    region,
    endpoints,
    accessKeyId,
    secretAccessKey,
    sessionToken,
  });
  const backend = createBackend({
    ...pipeline,
    // Objects can be large: the body limit is the caller's choice (XML answers are small anyway).
    maxResponseBytes: maxResponseBytes ?? Number.POSITIVE_INFINITY,
    provider: 's3-kit',
    endpoints: config.endpoints,
    protocol: s3Protocol({ regions: config.regions, region: config.region, addressing, now }),
  });
  const ctx: S3Context = { backend, verifyChecksums };

  const client: S3KitClient = {
    provider: 's3-kit',
    ...backendControl(backend),
    putObject: (input, opts) => putObject(ctx, input, opts),
    getObject: (input, opts) => getObject(ctx, input, opts),
    getObjectStream: (input, opts) => getObjectStream(ctx, input, opts),
    headObject: (input, opts) => headObject(ctx, input, opts),
    deleteObject: (input, opts) => deleteObject(ctx, input, opts),
    deleteObjects: (input, opts) => deleteObjects(ctx, input, opts),
    listObjects: (input, opts) => objectListing(backend, input, opts),
    listObjectPages: (input, opts) => listObjectPages(backend, input, opts),
    copyObject: (input, opts) => copyObject(ctx, input, opts),
    uploadFile: (input, opts) => uploadFile(ctx, input, opts),
    createMultipartUpload: (input, opts) => createMultipartUpload(ctx, input, opts),
    uploadPart: (input, opts) => uploadFilePart(ctx, input, opts),
    completeMultipartUpload: (input, opts) => completeMultipartUpload(ctx, input, opts),
    abortMultipartUpload: (input, opts) => abortMultipartUpload(ctx, input, opts),
    presignUrl(input) {
      const lanes = backend.lanes();
      const lane = input?.endpointId === undefined ? lanes[0] : lanes.find((l) => l.id === input.endpointId);
      if (!lane) throw new InvalidRequestError(`s3: unknown endpoint ${JSON.stringify(input?.endpointId)}`);
      return presignObjectUrl(lane, config.regions.get(lane.id) ?? config.region, addressing, now(), input);
    },
  };

  // What a log line or a REPL shows of the client: endpoints and regions, never a key.
  const describe = () => ({
    provider: 's3-kit',
    endpoints: backend.endpoints(),
    region: config.region,
    addressing,
  });
  Object.defineProperties(client, {
    [inspect.custom]: { value: () => `S3KitClient ${inspect(describe())}` },
    toJSON: { value: describe },
  });
  return client;
}
