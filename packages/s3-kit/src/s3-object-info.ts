/**
 * Object metadata from response headers, the `Range` header, and the integrity check of a downloaded body
 * (the `x-amz-checksum-*` value S3 returns when asked, else the ETag when it is a plain MD5).
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  type HttpResponse,
  InvalidRequestError,
  type ObjectInfo,
  ResponseFormatError,
} from '@ipfs-accelerate/core';

/** Metadata of an S3 object. */
export interface S3ObjectInfo extends ObjectInfo {
  /** `x-amz-meta-*` headers, names without the prefix. */
  metadata?: Record<string, string>;
  storageClass?: string;
  versionId?: string;
  /** For a byte-range read: `bytes 0-9/443`. */
  contentRange?: string;
}

/** A byte range: `start` to `end` inclusive (`end` absent: to the end of the object). */
export interface ByteRange {
  start: number;
  end?: number;
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The metadata of an object from a GET/HEAD response's headers. */
export function objectInfoFromHeaders(key: string, response: HttpResponse): S3ObjectInfo {
  const info: S3ObjectInfo = { key };
  const length = header(response, 'content-length');
  const range = header(response, 'content-range');
  const total = range ? /\/(\d+)$/.exec(range)?.[1] : undefined;
  if (range) info.contentRange = range;
  if (total !== undefined) info.size = Number(total);
  else if (length !== undefined && /^\d+$/.test(length)) info.size = Number(length);
  const etag = header(response, 'etag');
  if (etag) info.etag = etag;
  const modified = header(response, 'last-modified');
  if (modified && !Number.isNaN(Date.parse(modified))) info.lastModified = new Date(modified);
  const type = header(response, 'content-type');
  if (type) info.contentType = type;
  const storageClass = header(response, 'x-amz-storage-class');
  if (storageClass) info.storageClass = storageClass;
  const versionId = header(response, 'x-amz-version-id');
  if (versionId) info.versionId = versionId;
  for (const [name, value] of Object.entries(response.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    info.metadata ??= {};
    info.metadata[name.slice('x-amz-meta-'.length)] = Array.isArray(value) ? value.join(',') : value;
  }
  return info;
}

/** The `Range` header of a byte range, validated. */
export function rangeHeader(range: ByteRange | undefined): string | undefined {
  if (range === undefined) return undefined;
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new InvalidRequestError('s3: range.start must be an integer >= 0');
  }
  if (end !== undefined && (!Number.isSafeInteger(end) || end < start)) {
    throw new InvalidRequestError('s3: range.end must be an integer >= range.start');
  }
  return `bytes=${start}-${end ?? ''}`;
}

/**
 * Throws a ResponseFormatError when a whole-object body does not match the checksum S3 sent
 * (`x-amz-checksum-sha256`/`-sha1`/`-crc32`, base64) or, without one, its ETag when that is a plain MD5 of an
 * unencrypted single-part object. Ranged reads and composite (multipart) checksums are not checked.
 */
export function verifyBody(body: Uint8Array, response: HttpResponse): void {
  if (response.status !== 200) return;
  const fail = (what: string): never => {
    throw new ResponseFormatError(`s3: the object body does not match its ${what} (corrupted or cut off)`, {
      status: response.status,
    });
  };
  const sha256 = header(response, 'x-amz-checksum-sha256');
  if (sha256 && !sha256.includes('-')) {
    if (createHash('sha256').update(body).digest('base64') !== sha256) fail('x-amz-checksum-sha256');
    return;
  }
  const sha1 = header(response, 'x-amz-checksum-sha1');
  if (sha1 && !sha1.includes('-')) {
    if (createHash('sha1').update(body).digest('base64') !== sha1) fail('x-amz-checksum-sha1');
    return;
  }
  const crc = header(response, 'x-amz-checksum-crc32');
  if (crc && !crc.includes('-')) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(crc32(body) >>> 0);
    if (bytes.toString('base64') !== crc) fail('x-amz-checksum-crc32');
    return;
  }
  const etag = header(response, 'etag')?.replace(/"/g, '');
  const encrypted = header(response, 'x-amz-server-side-encryption');
  const customerKey = header(response, 'x-amz-server-side-encryption-customer-algorithm');
  if (!etag || !/^[0-9a-f]{32}$/i.test(etag) || (encrypted && encrypted !== 'AES256') || customerKey) return;
  if (createHash('md5').update(body).digest('hex') !== etag.toLowerCase()) fail('ETag (MD5)');
}
