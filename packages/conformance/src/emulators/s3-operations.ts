/**
 * The S3 REST operations of the emulator (path-style): buckets, objects with ranges and metadata, copy,
 * ListObjectsV2 with pagination, DeleteObjects, and multipart uploads with S3's validations.
 */
import { createHash } from 'node:crypto';
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { isoTime, S3_NS, s3ErrorReply, xml, xmlReply } from './s3-shapes.js';
import {
  decodeAwsChunked,
  md5ETag,
  metadataOf,
  type S3State,
  type StoredObject,
  storeObject,
} from './s3-store.js';
import { completeUpload, tagTexts, uploadPart } from './s3-uploads.js';

/** Per-request inputs of an operation. */
export interface S3OperationContext {
  state: S3State;
  requestId: string;
  /** Missing keys under this prefix read as objects whose body is their key. */
  echoPrefix: string | undefined;
  /** Smallest part but the last. */
  minPartSize: number;
}

/** A request header's first value. */
export function header(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The request body, with `aws-chunked` framing removed. */
export function bodyOf(request: EmulatorRequest): Buffer {
  const hash = header(request, 'x-amz-content-sha256') ?? '';
  const encoding = header(request, 'content-encoding') ?? '';
  return hash.startsWith('STREAMING-') || encoding.includes('aws-chunked')
    ? decodeAwsChunked(request.body)
    : request.body;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    etag: object.etag,
    'last-modified': new Date(object.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
  for (const [name, value] of Object.entries(object.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size; undefined when unsatisfiable or malformed. */
function parseRange(text: string, size: number): [number, number] | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 || size === 0 ? undefined : [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start >= size || end < start ? undefined : [start, end];
}

/** Runs one S3 request against the state. */
export function s3Operation(request: EmulatorRequest, ctx: S3OperationContext): Reply {
  const { state, requestId } = ctx;
  const segments = request.path.split('/');
  const bucketName = decodeURIComponent(segments[1] ?? '');
  const key = segments.slice(2).map(decodeURIComponent).join('/');
  const q = request.query;
  const fail = (status: number, code: string, message?: string): Reply =>
    s3ErrorReply({ status, code, message }, request.path, requestId);
  if (bucketName === '') {
    if (request.method !== 'GET') return fail(405, 'MethodNotAllowed');
    const list = [...state.buckets.keys()]
      .map((name) => `<Bucket><Name>${xml(name)}</Name><CreationDate>${isoTime(0)}</CreationDate></Bucket>`)
      .join('');
    return xmlReply(
      `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>emulator</ID></Owner><Buckets>${list}</Buckets></ListAllMyBucketsResult>`,
    );
  }
  const bucket = state.buckets.get(bucketName);
  if (key === '') {
    if (request.method === 'PUT') {
      if (bucket)
        return fail(
          409,
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
        );
      state.buckets.set(bucketName, new Map());
      return { kind: 'json', status: 200, body: undefined, headers: { location: `/${bucketName}` } };
    }
    if (!bucket) return fail(404, 'NoSuchBucket');
    if (request.method === 'HEAD') return { kind: 'json', status: 200, body: undefined };
    if (request.method === 'DELETE') {
      if (bucket.size > 0) return fail(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty');
      state.buckets.delete(bucketName);
      return { kind: 'json', status: 204, body: undefined };
    }
    if (request.method === 'POST' && q.has('delete')) return deleteObjects(request, bucket, ctx);
    if (request.method === 'GET' && q.get('list-type') === '2') return listObjectsV2(q, bucketName, bucket);
    return fail(501, 'NotImplemented', 'This emulator implements ListObjectsV2 (list-type=2) only');
  }
  if (!bucket) return fail(404, 'NoSuchBucket');
  const uploadId = q.get('uploadId');
  switch (request.method) {
    case 'PUT': {
      if (uploadId !== null) return uploadPart(request, uploadId, ctx);
      const source = header(request, 'x-amz-copy-source');
      if (source !== undefined) return copyObject(request, source, bucketName, key, ctx);
      const body = bodyOf(request);
      const object = storeObject(
        state,
        bucketName,
        key,
        body,
        header(request, 'content-type') ?? 'binary/octet-stream',
        metadataOf(request.headers),
      );
      return { kind: 'json', status: 200, body: undefined, headers: { etag: object.etag } };
    }
    case 'GET':
    case 'HEAD': {
      let object = bucket.get(key);
      if (!object && ctx.echoPrefix !== undefined && key.startsWith(ctx.echoPrefix)) {
        const body = Buffer.from(key);
        object = { body, etag: md5ETag(body), contentType: 'text/plain', metadata: {}, lastModified: 0 };
      }
      if (!object) return fail(404, 'NoSuchKey');
      const headers = { ...objectHeaders(object), 'content-type': object.contentType };
      const rangeText = header(request, 'range');
      if (rangeText !== undefined) {
        const range = parseRange(rangeText, object.body.length);
        if (!range) return fail(416, 'InvalidRange');
        return {
          kind: 'json',
          status: 206,
          contentType: object.contentType,
          headers: { ...headers, 'content-range': `bytes ${range[0]}-${range[1]}/${object.body.length}` },
          body: object.body.subarray(range[0], range[1] + 1),
        };
      }
      if (header(request, 'x-amz-checksum-mode') === 'ENABLED' && !object.etag.includes('-')) {
        Object.assign(headers, {
          'x-amz-checksum-sha256': createHash('sha256').update(object.body).digest('base64'),
        });
      }
      return { kind: 'json', status: 200, contentType: object.contentType, headers, body: object.body };
    }
    case 'DELETE':
      if (uploadId !== null) {
        if (!state.uploads.delete(uploadId)) return fail(404, 'NoSuchUpload');
        return { kind: 'json', status: 204, body: undefined };
      }
      bucket.delete(key);
      return { kind: 'json', status: 204, body: undefined };
    case 'POST':
      if (q.has('uploads')) {
        const id = `upload-${++state.counter}`;
        state.uploads.set(id, {
          bucket: bucketName,
          key,
          contentType: header(request, 'content-type') ?? 'binary/octet-stream',
          metadata: metadataOf(request.headers),
          parts: new Map(),
        });
        return xmlReply(
          `<InitiateMultipartUploadResult xmlns="${S3_NS}"><Bucket>${xml(bucketName)}</Bucket><Key>${xml(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (uploadId !== null) return completeUpload(request, uploadId, bucketName, key, ctx);
      return fail(400, 'InvalidRequest', 'Unsupported POST');
    default:
      return fail(405, 'MethodNotAllowed');
  }
}

function listObjectsV2(q: URLSearchParams, name: string, bucket: Map<string, StoredObject>): Reply {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? '1000') || 0));
  const token = q.get('continuation-token');
  const after =
    token !== null ? Buffer.from(token, 'base64url').toString('utf8') : (q.get('start-after') ?? '');
  const urlEncode = q.get('encoding-type') === 'url';
  const out = (text: string) => xml(urlEncode ? encodeURIComponent(text).replace(/%2F/g, '/') : text);
  const keys = [...bucket.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
  const contents: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let truncated = false;
  for (const k of keys) {
    const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
    const rolled = cut >= 0 ? k.slice(0, cut + delimiter.length) : undefined;
    if (rolled !== undefined && prefixes.has(rolled)) {
      last = k;
      continue;
    }
    if (contents.length + prefixes.size >= maxKeys) {
      truncated = true;
      break;
    }
    last = k;
    if (rolled !== undefined) prefixes.add(rolled);
    else {
      const o = bucket.get(k) as StoredObject;
      contents.push(
        `<Contents><Key>${out(k)}</Key><LastModified>${isoTime(o.lastModified)}</LastModified><ETag>${xml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      );
    }
  }
  const common = [...prefixes]
    .map((p) => `<CommonPrefixes><Prefix>${out(p)}</Prefix></CommonPrefixes>`)
    .join('');
  const next = truncated
    ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>`
    : '';
  const given = token !== null ? `<ContinuationToken>${xml(token)}</ContinuationToken>` : '';
  return xmlReply(
    `<ListBucketResult xmlns="${S3_NS}"><Name>${xml(name)}</Name><Prefix>${out(prefix)}</Prefix>${delimiter ? `<Delimiter>${out(delimiter)}</Delimiter>` : ''}<MaxKeys>${maxKeys}</MaxKeys>${urlEncode ? '<EncodingType>url</EncodingType>' : ''}<KeyCount>${contents.length + prefixes.size}</KeyCount><IsTruncated>${truncated}</IsTruncated>${given}${next}${contents.join('')}${common}</ListBucketResult>`,
  );
}

function deleteObjects(
  request: EmulatorRequest,
  bucket: Map<string, StoredObject>,
  ctx: S3OperationContext,
): Reply {
  const body = bodyOf(request);
  const md5 = header(request, 'content-md5');
  const hasChecksum = Object.keys(request.headers).some((h) => h.startsWith('x-amz-checksum-'));
  if (md5 === undefined && !hasChecksum) {
    return s3ErrorReply(
      {
        status: 400,
        code: 'InvalidRequest',
        message: 'Missing required header for this request: Content-MD5',
      },
      request.path,
      ctx.requestId,
    );
  }
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
    return s3ErrorReply(
      {
        status: 400,
        code: 'BadDigest',
        message: 'The Content-MD5 you specified did not match what we received.',
      },
      request.path,
      ctx.requestId,
    );
  }
  const text = body.toString('utf8');
  const quiet = tagTexts(text, 'Quiet')[0] === 'true';
  const deleted = tagTexts(text, 'Key').map((key) => {
    bucket.delete(key);
    return quiet ? '' : `<Deleted><Key>${xml(key)}</Key></Deleted>`;
  });
  return xmlReply(`<DeleteResult xmlns="${S3_NS}">${deleted.join('')}</DeleteResult>`);
}

function copyObject(
  request: EmulatorRequest,
  source: string,
  bucketName: string,
  key: string,
  ctx: S3OperationContext,
): Reply {
  const path = decodeURIComponent(source.replace(/^\//, '').split('?')[0] ?? '');
  const slash = path.indexOf('/');
  const from = ctx.state.buckets.get(path.slice(0, slash))?.get(path.slice(slash + 1));
  if (slash < 0 || !from) return s3ErrorReply({ status: 404, code: 'NoSuchKey' }, source, ctx.requestId);
  const replace = header(request, 'x-amz-metadata-directive') === 'REPLACE';
  const copy = storeObject(
    ctx.state,
    bucketName,
    key,
    from.body,
    replace ? (header(request, 'content-type') ?? from.contentType) : from.contentType,
    replace ? metadataOf(request.headers) : { ...from.metadata },
    from.etag,
  );
  return xmlReply(
    `<CopyObjectResult xmlns="${S3_NS}"><LastModified>${isoTime(copy.lastModified)}</LastModified><ETag>${xml(copy.etag)}</ETag></CopyObjectResult>`,
  );
}
