/**
 * Multipart upload of large files: create, parts streamed from disk (each part one pipeline call, so the
 * lane's queue bounds how many are in flight), complete; on any failure the upload is aborted, so no
 * half-done upload is left to bill storage. CompleteMultipartUpload's 200-with-`<Error>` is an error.
 */
import {
  InvalidRequestError,
  linkAbort,
  type RequestOptions,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { objectPath } from './s3-address.js';
import { fileBody, fileSize } from './s3-body.js';
import { s3ErrorInBody } from './s3-error.js';
import { metadataHeaders, putObject, type S3Context } from './s3-objects.js';
import { expectRoot, xmlEscape, xmlText } from './s3-xml.js';

const MiB = 1024 * 1024;
/** S3's smallest part (all but the last). */
export const MIN_PART_SIZE = 5 * MiB;
/** S3's largest part. */
export const MAX_PART_SIZE = 5 * 1024 * MiB;
/** S3's most parts per upload. */
export const MAX_PARTS = 10_000;

/** A file to upload, in parts when it is large. */
export interface UploadFileInput {
  bucket: string;
  key: string;
  filePath: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Bytes per part, >= 5 MiB (raised when the file would need more than 10000 parts). @default 8 MiB */
  partSize?: number;
  /** Parts offered to the pipeline at once (the lane's queue still bounds what is in flight). @default 4 */
  concurrency?: number;
  /** Files up to this size go in one PutObject. @default partSize */
  multipartThreshold?: number;
}

/** What an upload did. */
export interface UploadFileResult {
  etag?: string;
  /** 0 for a single PutObject. */
  parts: number;
  uploadId?: string;
  /** For a multipart upload: the endpoint it went to (create, every part and the completion alike). */
  endpointId?: string;
  size: number;
}

/** A part as CompleteMultipartUpload lists it. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
}

function positiveInteger(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidRequestError(`s3: ${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** CreateMultipartUpload: `POST /<bucket>/<key>?uploads` -> the upload id. */
export async function createMultipartUpload(
  ctx: S3Context,
  input: { bucket: string; key: string; contentType?: string; metadata?: Record<string, string> },
  options?: RequestOptions,
): Promise<string> {
  return (await startMultipartUpload(ctx, input, options)).uploadId;
}

/**
 * CreateMultipartUpload, also saying which endpoint holds the upload: its parts, completion and abort must go
 * there (`RequestOptions.endpointId`), since another endpoint has never heard of it.
 */
async function startMultipartUpload(
  ctx: S3Context,
  input: { bucket: string; key: string; contentType?: string; metadata?: Record<string, string> },
  options?: RequestOptions,
): Promise<{ uploadId: string; endpointId: string }> {
  const headers = metadataHeaders(input.metadata, input.contentType);
  return ctx.backend.call(
    {
      operation: 'create-multipart-upload',
      method: 'POST',
      path: objectPath(input.bucket, input.key),
      query: { uploads: '' },
      headers,
      parse: async (response, context) => {
        const text = await response.body.text();
        expectRoot(text, 'InitiateMultipartUploadResult', response.status);
        const uploadId = xmlText(text, 'UploadId');
        if (!uploadId)
          throw new ResponseFormatError('s3: no UploadId in the response', { status: response.status });
        return { uploadId, endpointId: context.lane.id };
      },
    },
    options,
  );
}

/** UploadPart of a byte range of a file (re-read from disk on a retry) -> its ETag. */
export async function uploadFilePart(
  ctx: S3Context,
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
): Promise<CompletedPart> {
  const part = fileBody(input.filePath, input.start, input.length);
  return ctx.backend.call(
    {
      operation: 'upload-part',
      method: 'PUT',
      path: objectPath(input.bucket, input.key),
      query: { partNumber: input.partNumber, uploadId: input.uploadId },
      body: part.body,
      headers: part.headers,
      parse: (response) => {
        const raw = response.headers.etag;
        const etag = Array.isArray(raw) ? raw[0] : raw;
        if (!etag)
          throw new ResponseFormatError('s3: UploadPart answered without an ETag', {
            status: response.status,
          });
        return { partNumber: input.partNumber, etag };
      },
    },
    options,
  );
}

/** CompleteMultipartUpload; a 200 whose body is an `<Error>` throws that error (retried when retryable). */
export async function completeMultipartUpload(
  ctx: S3Context,
  input: { bucket: string; key: string; uploadId: string; parts: readonly CompletedPart[] },
  options?: RequestOptions,
): Promise<{ etag?: string }> {
  const parts = [...input.parts].sort((a, b) => a.partNumber - b.partNumber);
  const xml = `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
    .map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${xmlEscape(p.etag)}</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`;
  return ctx.backend.call(
    {
      operation: 'complete-multipart-upload',
      method: 'POST',
      path: objectPath(input.bucket, input.key),
      query: { uploadId: input.uploadId },
      body: xml,
      headers: { 'content-type': 'application/xml' },
      parse: async (response) => {
        const text = await response.body.text();
        const inBody = s3ErrorInBody(text, response.status);
        if (inBody) throw inBody;
        expectRoot(text, 'CompleteMultipartUploadResult', response.status);
        const etag = xmlText(text, 'ETag');
        return etag ? { etag } : {};
      },
    },
    options,
  );
}

/** AbortMultipartUpload: drops the parts uploaded so far. */
export async function abortMultipartUpload(
  ctx: S3Context,
  input: { bucket: string; key: string; uploadId: string },
  options?: RequestOptions,
): Promise<void> {
  await ctx.backend.call(
    {
      operation: 'abort-multipart-upload',
      method: 'DELETE',
      path: objectPath(input.bucket, input.key),
      query: { uploadId: input.uploadId },
      parse: () => undefined,
    },
    options,
  );
}

/** The part size for a file: the asked size, raised (to whole MiB) so the file fits in 10000 parts. */
export function partSizeFor(size: number, asked: number): number {
  const needed = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  return Math.max(asked, needed);
}

/**
 * What {@link uploadFile} adds to its error when aborting the failed upload failed too: the AbortMultipartUpload
 * error and the upload id (so the caller can abort it later, or let a lifecycle rule expire it).
 */
export interface UploadAbortFailure {
  /** The AbortMultipartUpload error; the thrown error itself stays the original failure. */
  readonly abortError: unknown;
  /** The upload that may be left in progress. */
  readonly uploadId: string;
  /** The endpoint that holds it: pass it as `endpointId` when aborting it later. */
  readonly endpointId: string;
}

const ABORT_FAILURE = 'uploadAbortFailure';

/** The {@link UploadAbortFailure} attached to an error thrown by {@link uploadFile}, if aborting failed too. */
export function uploadAbortFailure(error: unknown): UploadAbortFailure | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const attached = (error as { [ABORT_FAILURE]?: unknown })[ABORT_FAILURE];
  return typeof attached === 'object' && attached !== null && 'uploadId' in attached
    ? (attached as UploadAbortFailure)
    : undefined;
}

function attachAbortFailure(error: unknown, failure: UploadAbortFailure): void {
  if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) return;
  Object.defineProperty(error, ABORT_FAILURE, {
    value: failure,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/**
 * Uploads a file: one PutObject up to the threshold, else a multipart upload whose parts stream from disk
 * in parallel.
 *
 * On any failure after the upload is created (a part failing for good after the pipeline's retries, the
 * caller's abort, CompleteMultipartUpload failing) the upload is aborted before the error is thrown, so no
 * parts are left to bill storage. The abort is one pipeline call to the endpoint that holds the upload, sent even
 * while that endpoint's breaker is open (the failures may have opened it), bounded by the backend's retry policy and
 * attempt timeout, not by the caller's signal or deadline, which may already have fired. If the abort fails
 * too, the caller still gets the original error, with an `uploadAbortFailure` property
 * ({@link UploadAbortFailure}; read it with {@link uploadAbortFailure}).
 */
export async function uploadFile(
  ctx: S3Context,
  input: UploadFileInput,
  options?: RequestOptions,
): Promise<UploadFileResult> {
  if (typeof input !== 'object' || input === null)
    throw new InvalidRequestError('s3: uploadFile input must be an object');
  objectPath(input.bucket, input.key);
  metadataHeaders(input.metadata, input.contentType);
  const asked = positiveInteger(input.partSize, 'partSize', MIN_PART_SIZE, MAX_PART_SIZE) ?? 8 * MiB;
  const concurrency = positiveInteger(input.concurrency, 'concurrency', 1, 64) ?? 4;
  const threshold =
    positiveInteger(input.multipartThreshold, 'multipartThreshold', 0, Number.MAX_SAFE_INTEGER) ?? asked;
  const size = await fileSize(input.filePath);
  if (size <= threshold) {
    const { etag } = await putObject(ctx, { ...input, filePath: input.filePath }, options);
    return { etag, parts: 0, size };
  }
  const partSize = partSizeFor(size, asked);
  const count = Math.ceil(size / partSize);
  const target = { bucket: input.bucket, key: input.key };
  const { uploadId, endpointId } = await startMultipartUpload(
    ctx,
    { ...target, contentType: input.contentType, metadata: input.metadata },
    options,
  );
  // Every later call goes to the endpoint that holds the upload.
  const pinned: RequestOptions = { ...options, endpointId, requestId: undefined };
  // Parts share one signal: the first failure (or the caller's abort) stops the others.
  const controller = new AbortController();
  const unlink = linkAbort(options?.signal, controller);
  const partOptions: RequestOptions = { ...pinned, signal: controller.signal };
  const parts: CompletedPart[] = [];
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      const start = index * partSize;
      try {
        parts.push(
          await uploadFilePart(
            ctx,
            {
              ...target,
              uploadId,
              partNumber: index + 1,
              filePath: input.filePath,
              start,
              length: Math.min(partSize, size - start),
            },
            partOptions,
          ),
        );
      } catch (error) {
        failure ??= error;
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    if (failure !== undefined) throw failure;
    const { etag } = await completeMultipartUpload(ctx, { ...target, uploadId, parts }, pinned);
    return { etag, parts: count, uploadId, endpointId, size };
  } catch (error) {
    // Never leave a half-done upload: abort it (with the pipeline's retries, even if the caller aborted).
    // Through the breaker too: the failures that ended the upload may have opened it, and the abort must still go.
    const { signal: _signal, deadlineMs: _deadline, ...rest } = pinned;
    try {
      await abortMultipartUpload(ctx, { ...target, uploadId }, { ...rest, bypassBreaker: true });
    } catch (abortError) {
      attachAbortFailure(error, { abortError, uploadId, endpointId });
    }
    throw error;
  } finally {
    unlink();
  }
}
