/** Multipart uploads in the S3 emulator: UploadPart and CompleteMultipartUpload with S3's validations. */
import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { bodyOf, type S3OperationContext } from './s3-operations.js';
import { S3_NS, s3ErrorReply, xml, xmlReply } from './s3-shapes.js';
import { md5ETag, multipartETag, storeObject } from './s3-store.js';

/** The unescaped texts of every `<tag>` element. */
export function tagTexts(text: string, tag: string): string[] {
  return [...text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) =>
    (m[1] ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

/** UploadPart: stores a part, answers its ETag. */
export function uploadPart(request: EmulatorRequest, uploadId: string, ctx: S3OperationContext): Reply {
  const upload = ctx.state.uploads.get(uploadId);
  if (!upload) return s3ErrorReply({ status: 404, code: 'NoSuchUpload' }, request.path, ctx.requestId);
  const partNumber = Number(request.query.get('partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    return s3ErrorReply(
      {
        status: 400,
        code: 'InvalidArgument',
        message: 'Part number must be an integer between 1 and 10000, inclusive',
      },
      request.path,
      ctx.requestId,
    );
  }
  const body = bodyOf(request);
  const etag = md5ETag(body);
  upload.parts.set(partNumber, { body, etag });
  return { kind: 'json', status: 200, body: undefined, headers: { etag } };
}

/** CompleteMultipartUpload: validates the part list, assembles the object. */
export function completeUpload(
  request: EmulatorRequest,
  uploadId: string,
  bucketName: string,
  key: string,
  ctx: S3OperationContext,
): Reply {
  const fail = (status: number, code: string, message?: string) =>
    s3ErrorReply({ status, code, message }, request.path, ctx.requestId);
  const upload = ctx.state.uploads.get(uploadId);
  if (!upload || upload.bucket !== bucketName || upload.key !== key) return fail(404, 'NoSuchUpload');
  const text = bodyOf(request).toString('utf8');
  const numbers = tagTexts(text, 'PartNumber').map(Number);
  const etags = tagTexts(text, 'ETag');
  if (numbers.length === 0 || numbers.length !== etags.length)
    return fail(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
    );
  const bodies: Buffer[] = [];
  for (const [i, n] of numbers.entries()) {
    if (i > 0 && n <= (numbers[i - 1] ?? 0))
      return fail(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
    const part = upload.parts.get(n);
    if (!part || part.etag.replace(/"/g, '') !== (etags[i] ?? '').replace(/"/g, '')) {
      return fail(400, 'InvalidPart', 'One or more of the specified parts could not be found.');
    }
    if (i < numbers.length - 1 && part.body.length < ctx.minPartSize)
      return fail(
        400,
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
      );
    bodies.push(part.body);
  }
  const etag = multipartETag(numbers.map((n) => upload.parts.get(n)?.etag ?? ''));
  storeObject(ctx.state, bucketName, key, Buffer.concat(bodies), upload.contentType, upload.metadata, etag);
  ctx.state.uploads.delete(uploadId);
  return xmlReply(
    `<CompleteMultipartUploadResult xmlns="${S3_NS}"><Location>/${xml(bucketName)}/${xml(key)}</Location><Bucket>${xml(bucketName)}</Bucket><Key>${xml(key)}</Key><ETag>${xml(etag)}</ETag></CompleteMultipartUploadResult>`,
  );
}
