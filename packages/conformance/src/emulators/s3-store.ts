/** The S3 emulator's state: buckets of objects and multipart uploads, in memory, deterministic. */
import { createHash } from 'node:crypto';

/** A stored object. */
export interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  metadata: Record<string, string>;
  /** Milliseconds; from a counter so answers are deterministic. */
  lastModified: number;
}

/** An upload in progress. */
export interface MultipartUpload {
  bucket: string;
  key: string;
  contentType: string;
  metadata: Record<string, string>;
  parts: Map<number, { body: Buffer; etag: string }>;
}

/** The emulator's buckets, objects and uploads. */
export interface S3State {
  buckets: Map<string, Map<string, StoredObject>>;
  uploads: Map<string, MultipartUpload>;
  /** Next upload id and modification time counters. */
  counter: number;
}

/** The first modification time (2025-01-01T00:00:00Z); every write adds a second. */
export const S3_EMULATOR_EPOCH = Date.UTC(2025, 0, 1);

/** Empty state with the given buckets. */
export function createS3State(buckets: readonly string[]): S3State {
  return { buckets: new Map(buckets.map((b) => [b, new Map()])), uploads: new Map(), counter: 0 };
}

/** Parts held by uploads not completed or aborted (what S3 would bill for an orphaned upload). */
export function storedPartCount(state: S3State): number {
  let parts = 0;
  for (const upload of state.uploads.values()) parts += upload.parts.size;
  return parts;
}

/** `"<md5 hex>"` of a body. */
export function md5ETag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** Stores an object and returns it. */
export function storeObject(
  state: S3State,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string,
  metadata: Record<string, string>,
  etag = md5ETag(body),
): StoredObject {
  const object: StoredObject = {
    body,
    etag,
    contentType,
    metadata,
    lastModified: S3_EMULATOR_EPOCH + 1000 * state.counter++,
  };
  state.buckets.get(bucket)?.set(key, object);
  return object;
}

/** The multipart ETag: MD5 of the parts' binary MD5s, then `-<count>`. */
export function multipartETag(etags: readonly string[]): string {
  const digests = etags.map((etag) => Buffer.from(etag.replace(/"/g, ''), 'hex'));
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${etags.length}"`;
}

/** `x-amz-meta-*` request headers as metadata. */
export function metadataOf(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined) {
      metadata[name.slice(11)] = Array.isArray(value) ? value.join(',') : value;
    }
  }
  return metadata;
}

/** Decodes an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n…0…\r\n[trailers]\r\n`). */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
