/** Batch delete and server-side copy: the two object operations with an XML answer to read. */
import { createHash } from 'node:crypto';
import { InvalidRequestError, type RequestOptions } from '@ipfs-accelerate/core';
import { objectPath, validateBucket, validateKey } from './s3-address.js';
import { s3ErrorInBody } from './s3-error.js';
import {
  type CopyObjectInput,
  type DeleteObjectsResult,
  metadataHeaders,
  type S3Context,
} from './s3-objects.js';
import { expectRoot, xmlBlocks, xmlEscape, xmlText } from './s3-xml.js';
import { uriEncode } from './sigv4-canonical.js';

function requireObject(input: unknown, what: string): void {
  if (typeof input !== 'object' || input === null)
    throw new InvalidRequestError(`s3: ${what} must be an object`);
}

/** DeleteObjects: up to 1000 keys in one `POST /<bucket>?delete` (with the Content-MD5 S3 requires). */
export async function deleteObjects(
  ctx: S3Context,
  input: { bucket: string; keys: string[]; quiet?: boolean },
  options?: RequestOptions,
): Promise<DeleteObjectsResult> {
  requireObject(input, 'deleteObjects input');
  if (!Array.isArray(input.keys) || input.keys.length === 0 || input.keys.length > 1000) {
    throw new InvalidRequestError('s3: keys must be an array of 1 to 1000 keys');
  }
  const objects = input.keys
    .map((key) => `<Object><Key>${xmlEscape(validateKey(key))}</Key></Object>`)
    .join('');
  const quiet = input.quiet ? '<Quiet>true</Quiet>' : '';
  const xml = `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet}${objects}</Delete>`;
  return ctx.backend.call(
    {
      operation: 'delete-objects',
      method: 'POST',
      path: objectPath(input.bucket),
      query: { delete: '' },
      body: xml,
      headers: {
        'content-type': 'application/xml',
        'content-md5': createHash('md5').update(xml).digest('base64'),
      },
      parse: async (response, attempt) => {
        const text = await response.body.text();
        expectRoot(text, 'DeleteResult', response.status);
        const deleted = xmlBlocks(text, 'Deleted').map((block) => xmlText(block, 'Key') ?? '');
        const errors = xmlBlocks(text, 'Error').map((block) => ({
          key: xmlText(block, 'Key') ?? '',
          code: xmlText(block, 'Code') ?? '',
          message: xmlText(block, 'Message') ?? '',
        }));
        return { deleted, errors, requestId: attempt.requestId };
      },
    },
    options,
  );
}

/** CopyObject (server-side): a 200 whose body is an `<Error>` is an error, as S3 documents. */
export async function copyObject(
  ctx: S3Context,
  input: CopyObjectInput,
  options?: RequestOptions,
): Promise<{ etag?: string; lastModified?: Date; requestId: string }> {
  requireObject(input, 'copyObject input');
  requireObject(input.source, 'copyObject source');
  const source = `/${validateBucket(input.source.bucket)}/${uriEncode(validateKey(input.source.key), true)}`;
  const headers: Record<string, string> = { 'x-amz-copy-source': source };
  if (input.metadata !== undefined || input.contentType !== undefined) {
    Object.assign(headers, metadataHeaders(input.metadata, input.contentType), {
      'x-amz-metadata-directive': 'REPLACE',
    });
  }
  return ctx.backend.call(
    {
      operation: 'copy-object',
      method: 'PUT',
      path: objectPath(input.bucket, input.key),
      headers,
      parse: async (response, attempt) => {
        const text = await response.body.text();
        const inBody = s3ErrorInBody(text, response.status);
        if (inBody) throw inBody;
        expectRoot(text, 'CopyObjectResult', response.status);
        const result: { etag?: string; lastModified?: Date; requestId: string } = {
          requestId: attempt.requestId,
        };
        const etag = xmlText(text, 'ETag');
        if (etag) result.etag = etag;
        const modified = xmlText(text, 'LastModified');
        if (modified && !Number.isNaN(Date.parse(modified))) result.lastModified = new Date(modified);
        return result;
      },
    },
    options,
  );
}
