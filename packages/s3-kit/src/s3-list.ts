/** ListObjectsV2: the request parameters and the page parser. */
import {
  type Backend,
  InvalidRequestError,
  type QueryParams,
  type RequestOptions,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { objectPath } from './s3-address.js';
import type { S3ObjectInfo } from './s3-object-info.js';
import { expectRoot, xmlBlocks, xmlText, xmlUnescape } from './s3-xml.js';

/** What to list. */
export interface ListObjectsInput {
  bucket: string;
  prefix?: string;
  /** Groups keys sharing a prefix up to this character into `commonPrefixes` (usually `/`). */
  delimiter?: string;
  /** Keys per page, 1..1000. @default 1000 */
  pageSize?: number;
  /** Start listing after this key. */
  startAfter?: string;
  /** Resume from a page's `nextContinuationToken`. */
  continuationToken?: string;
  /** Stop after this many keys in total. */
  maxKeys?: number;
}

/** One ListObjectsV2 page. */
export interface ListObjectsPage {
  objects: S3ObjectInfo[];
  /** Prefixes rolled up by the delimiter. */
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Pass as `continuationToken` to get the next page. */
  nextContinuationToken?: string;
  keyCount: number;
  /** Our request id of the call that fetched this page. */
  requestId: string;
}

/** Validates a listing request before any network call. */
export function validateListInput(input: ListObjectsInput): void {
  if (typeof input !== 'object' || input === null)
    throw new InvalidRequestError('s3: list input must be an object');
  for (const name of ['prefix', 'delimiter', 'startAfter', 'continuationToken'] as const) {
    if (input[name] !== undefined && typeof input[name] !== 'string') {
      throw new InvalidRequestError(`s3: ${name} must be a string`);
    }
  }
  const { pageSize, maxKeys } = input;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
    throw new InvalidRequestError('s3: pageSize must be an integer from 1 to 1000');
  }
  if (maxKeys !== undefined && (!Number.isInteger(maxKeys) || maxKeys < 1)) {
    throw new InvalidRequestError('s3: maxKeys must be a positive integer');
  }
}

/** The query of one page (`encoding-type=url` so that any key survives XML). */
export function listQuery(input: ListObjectsInput, token: string | undefined, pageSize: number): QueryParams {
  return {
    'list-type': '2',
    prefix: input.prefix,
    delimiter: input.delimiter,
    'max-keys': pageSize,
    'start-after': token === undefined ? input.startAfter : undefined,
    'continuation-token': token,
    'encoding-type': 'url',
  };
}

/** Parses a `<ListBucketResult>` page; keys are URL-decoded when the server says it encoded them. */
export function parseListPage(xml: string, status: number, requestId: string): ListObjectsPage {
  expectRoot(xml, 'ListBucketResult', status);
  const urlEncoded = xmlText(xml, 'EncodingType') === 'url';
  const decode = (text: string): string => {
    const plain = xmlUnescape(text);
    if (!urlEncoded) return plain;
    try {
      return decodeURIComponent(plain.replace(/\+/g, ' '));
    } catch {
      throw new ResponseFormatError('s3: a listed key is not valid URL encoding', { status });
    }
  };
  const objects = xmlBlocks(xml, 'Contents').map((block): S3ObjectInfo => {
    const key = xmlBlocks(block, 'Key')[0];
    if (key === undefined) throw new ResponseFormatError('s3: a <Contents> entry has no <Key>', { status });
    const info: S3ObjectInfo = { key: decode(key) };
    const size = xmlText(block, 'Size');
    if (size !== undefined && /^\d+$/.test(size) && Number.isSafeInteger(Number(size)))
      info.size = Number(size);
    const etag = xmlText(block, 'ETag');
    if (etag) info.etag = etag;
    const modified = xmlText(block, 'LastModified');
    if (modified && !Number.isNaN(Date.parse(modified))) info.lastModified = new Date(modified);
    const storageClass = xmlText(block, 'StorageClass');
    if (storageClass) info.storageClass = storageClass;
    return info;
  });
  const commonPrefixes = xmlBlocks(xml, 'CommonPrefixes').flatMap((block) =>
    xmlBlocks(block, 'Prefix').map(decode),
  );
  const isTruncated = xmlText(xml, 'IsTruncated') === 'true';
  const next = xmlText(xml, 'NextContinuationToken');
  if (isTruncated && !next) {
    throw new ResponseFormatError('s3: a truncated listing without NextContinuationToken', { status });
  }
  // The listing loop subtracts it from the keys still wanted: a count, or the listing is broken (NaN would
  // end the loop early, a negative count would never end it).
  const keyCountText = xmlText(xml, 'KeyCount');
  const keyCount = keyCountText === undefined ? objects.length + commonPrefixes.length : Number(keyCountText);
  if (keyCountText !== undefined && (!/^\d+$/.test(keyCountText) || !Number.isSafeInteger(keyCount))) {
    throw new ResponseFormatError('s3: the listing has a KeyCount that is not a count', { status });
  }
  const page: ListObjectsPage = { objects, commonPrefixes, isTruncated, keyCount, requestId };
  if (next) page.nextContinuationToken = next;
  return page;
}

/** A listing: iterate it for objects, or call `pages()` for whole ListObjectsV2 pages. */
export interface S3ObjectListing extends AsyncIterable<S3ObjectInfo> {
  pages(): AsyncIterable<ListObjectsPage>;
}

/**
 * Pages of a listing, fetched lazily: every page is one pipeline call (`list-objects`) made when the
 * consumer asks for it, following `NextContinuationToken` while the listing is truncated.
 */
export async function* listObjectPages(
  backend: Backend,
  input: ListObjectsInput,
  options?: RequestOptions,
): AsyncGenerator<ListObjectsPage> {
  validateListInput(input);
  const path = objectPath(input.bucket);
  let token = input.continuationToken;
  let left = input.maxKeys ?? Number.POSITIVE_INFINITY;
  let first = true;
  while (left > 0) {
    const pageSize = Math.min(input.pageSize ?? 1000, left);
    // A caller's request id names one request: it goes to the first page only.
    const pageOptions = first ? options : options && { ...options, requestId: undefined };
    first = false;
    const page = await backend.call(
      {
        operation: 'list-objects',
        method: 'GET',
        path,
        query: listQuery(input, token, pageSize),
        parse: async (response, ctx) =>
          parseListPage(await response.body.text(), response.status, ctx.requestId),
      },
      pageOptions,
    );
    left -= page.keyCount;
    yield page;
    if (!page.isTruncated || page.nextContinuationToken === undefined) return;
    token = page.nextContinuationToken;
  }
}

/** The listing object of {@link listObjectPages}: objects one by one, or pages. */
export function objectListing(
  backend: Backend,
  input: ListObjectsInput,
  options?: RequestOptions,
): S3ObjectListing {
  validateListInput(input);
  objectPath(input.bucket);
  return {
    pages: () => listObjectPages(backend, input, options),
    async *[Symbol.asyncIterator]() {
      for await (const page of listObjectPages(backend, input, options)) yield* page.objects;
    },
  };
}
