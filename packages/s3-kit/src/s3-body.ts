/**
 * Request bodies of uploads: text and bytes are sent as they are (signed by hash, retryable); a file is
 * re-opened for every attempt (retryable, `UNSIGNED-PAYLOAD`, streamed from disk); a caller's stream can be
 * read only once, so it is sent with retries off.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InvalidRequestError, type RequestBody } from '@ipfs-accelerate/core';
import { UNSIGNED_PAYLOAD } from './sigv4.js';

/** What can be uploaded: text, bytes, or a stream of bytes (with `contentLength`). */
export type S3UploadBody = string | Uint8Array | AsyncIterable<Uint8Array>;

/** An upload body ready for the pipeline. */
export interface PreparedBody {
  body: RequestBody;
  headers: Record<string, string>;
  /** False for a one-shot stream, which cannot be sent twice. */
  retry: boolean;
  size: number;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** A byte range of a file, opened afresh on every call. */
export function fileBody(filePath: string, start: number, length: number): PreparedBody {
  return {
    body: () =>
      length === 0 ? emptyStream() : createReadStream(filePath, { start, end: start + length - 1 }),
    headers: { 'content-length': String(length), 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
    retry: true,
    size: length,
  };
}

async function* emptyStream(): AsyncGenerator<Uint8Array> {}

/** The size of a file, or an InvalidRequestError when it is not a readable regular file. */
export async function fileSize(filePath: unknown): Promise<number> {
  if (typeof filePath !== 'string' || filePath === '') {
    throw new InvalidRequestError('s3: filePath must be a non-empty string');
  }
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new InvalidRequestError(`s3: ${filePath} is not a regular file`);
    return info.size;
  } catch (error) {
    if (error instanceof InvalidRequestError) throw error;
    throw new InvalidRequestError(`s3: cannot read ${filePath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Turns `body` (or `filePath`) into a pipeline body, validating before any network call. */
export async function prepareUploadBody(input: {
  body?: S3UploadBody;
  filePath?: string;
  contentLength?: number;
}): Promise<PreparedBody> {
  const { body, filePath, contentLength } = input;
  if ((body === undefined) === (filePath === undefined)) {
    throw new InvalidRequestError('s3: give exactly one of body and filePath');
  }
  if (filePath !== undefined) return fileBody(filePath, 0, await fileSize(filePath));
  if (typeof body === 'string') return { body, headers: {}, retry: true, size: Buffer.byteLength(body) };
  if (body instanceof Uint8Array) return { body, headers: {}, retry: true, size: body.length };
  if (isAsyncIterable(body)) {
    if (contentLength === undefined || !Number.isSafeInteger(contentLength) || contentLength < 0) {
      throw new InvalidRequestError(
        's3: a stream body needs contentLength (S3 refuses uploads of unknown length); for large files use uploadFile',
      );
    }
    let used = false;
    return {
      body: () => {
        if (used) throw new InvalidRequestError('s3: a stream body can be sent only once');
        used = true;
        return body;
      },
      headers: { 'content-length': String(contentLength), 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
      retry: false,
      size: contentLength,
    };
  }
  throw new InvalidRequestError('s3: body must be a string, a Uint8Array or an async iterable of bytes');
}
