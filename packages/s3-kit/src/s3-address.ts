/**
 * Bucket and key validation, the object path, and addressing: the kit always builds path-style URLs
 * (`<endpoint>/<bucket>/<key>`) and {@link addressUrl} moves the bucket into the host name when the request
 * is virtual-hosted. Keys are encoded once per segment; `/` stays a separator, `//` is kept.
 */
import { InvalidRequestError } from '@ipfs-accelerate/core';
import type { S3Addressing } from './s3-config.js';
import { uriEncode } from './sigv4-canonical.js';

const BUCKET = /^[A-Za-z0-9._-]{1,255}$/;
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const MAX_KEY_BYTES = 1024;

/** Checks a bucket name: S3's characters (dots, dashes, underscores for legacy buckets), no slash. */
export function validateBucket(bucket: unknown): string {
  if (typeof bucket !== 'string' || !BUCKET.test(bucket)) {
    throw new InvalidRequestError(`s3: bucket must be an S3 bucket name, got ${JSON.stringify(bucket)}`);
  }
  return bucket;
}

/**
 * Checks an object key: 1..1024 UTF-8 bytes. Keys with a `.` or `..` segment are refused: every HTTP stack
 * built on WHATWG URLs (ours, undici, browsers) resolves them away, so the request would name another object.
 */
export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') {
    throw new InvalidRequestError('s3: key must be a non-empty string');
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new InvalidRequestError('s3: key must be at most 1024 bytes of UTF-8');
  }
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidRequestError(
      `s3: key ${JSON.stringify(key)} has a '.' or '..' segment, which URLs cannot carry`,
    );
  }
  return key;
}

/** `/<bucket>/<key encoded per segment>` (or `/<bucket>` without a key). */
export function objectPath(bucket: string, key?: string): string {
  const head = `/${validateBucket(bucket)}`;
  if (key === undefined) return head;
  return `${head}/${uriEncode(validateKey(key), true)}`;
}

/** Whether a bucket can be the first label of a host name (TLS wildcards do not match dotted names). */
export function isDnsCompatibleBucket(bucket: string, protocol: string): boolean {
  return DNS_BUCKET.test(bucket) && !bucket.includes('..') && (protocol === 'http:' || !bucket.includes('.'));
}

/** Whether a request to `host` uses virtual-hosted addressing under the given style. */
export function usesVirtualHost(style: S3Addressing, hostname: string): boolean {
  if (style === 'path') return false;
  if (style === 'virtual-hosted') return true;
  return /(^|\.)amazonaws\.com(\.cn)?$/.test(hostname);
}

/**
 * Moves the bucket from the path into the host name (`bucket.s3.amazonaws.com/key`) when virtual-hosted
 * addressing applies and the bucket name allows it; otherwise returns the URL unchanged.
 */
export function addressUrl(url: URL, baseURL: string, style: S3Addressing): URL {
  if (!usesVirtualHost(style, url.hostname)) return url;
  const basePath = new URL(baseURL).pathname.replace(/\/$/, '');
  const rest = url.pathname.slice(basePath.length);
  const slash = rest.indexOf('/', 1);
  const bucket = slash < 0 ? rest.slice(1) : rest.slice(1, slash);
  if (bucket === '' || !isDnsCompatibleBucket(bucket, url.protocol)) return url;
  const moved = new URL(url.href);
  moved.hostname = `${bucket}.${url.hostname}`;
  moved.pathname = `${basePath}${slash < 0 ? '/' : rest.slice(slash)}`;
  return moved;
}
