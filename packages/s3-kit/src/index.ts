/**
 * @ipfs-accelerate/s3-kit: a resilient client for S3-compatible object storage (AWS S3, MinIO, Ceph, …) on
 * the ipfs-accelerate core, with its own SigV4 signer.
 *
 * ```ts
 * import { createS3Kit } from '@ipfs-accelerate/s3-kit';
 * const s3 = createS3Kit({ endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', addressing: 'path' });
 * await s3.putObject({ bucket: 'b', key: 'hello.txt', body: 'hi' });
 * ```
 */
export {
  addressUrl,
  isDnsCompatibleBucket,
  objectPath,
  usesVirtualHost,
  validateBucket,
  validateKey,
} from './s3-address.js';
export { fileBody, type PreparedBody, prepareUploadBody, type S3UploadBody } from './s3-body.js';
export { createS3Kit, type S3KitClient, type S3KitOptions } from './s3-client.js';
export {
  defaultS3Endpoint,
  type ResolvedS3Config,
  regionFromHost,
  resolveS3Config,
  type S3Addressing,
  type S3ConfigInput,
  type S3Credentials,
  type S3EndpointOptions,
} from './s3-config.js';
export { parseS3Error, s3Error, s3ErrorInBody } from './s3-error.js';
export {
  type ListObjectsInput,
  type ListObjectsPage,
  listObjectPages,
  listQuery,
  objectListing,
  parseListPage,
  type S3ObjectListing,
  validateListInput,
} from './s3-list.js';
export {
  abortMultipartUpload,
  type CompletedPart,
  completeMultipartUpload,
  createMultipartUpload,
  MAX_PART_SIZE,
  MAX_PARTS,
  MIN_PART_SIZE,
  partSizeFor,
  type UploadAbortFailure,
  type UploadFileInput,
  type UploadFileResult,
  uploadAbortFailure,
  uploadFile,
  uploadFilePart,
} from './s3-multipart.js';
export {
  type ByteRange,
  objectInfoFromHeaders,
  rangeHeader,
  type S3ObjectInfo,
  verifyBody,
} from './s3-object-info.js';
export type {
  CopyObjectInput,
  DeleteObjectsResult,
  GetObjectInput,
  PutObjectInput,
  PutObjectResult,
  S3Context,
} from './s3-objects.js';
export { DEFAULT_PRESIGN_EXPIRES_SECONDS, type PresignUrlInput, presignObjectUrl } from './s3-presign.js';
export { type S3ProtocolOptions, s3Protocol } from './s3-protocol.js';
export { expectRoot, xmlBlocks, xmlEscape, xmlRoot, xmlText, xmlUnescape } from './s3-xml.js';
export {
  amzDate,
  buildCanonicalRequest,
  buildStringToSign,
  credentialScope,
  deriveSigningKey,
  EMPTY_SHA256,
  headerValue,
  queryOf,
  SIGV4_ALGORITHM,
  type SigV4Credentials,
  type SigV4Options,
  type SigV4Request,
  type SigV4Result,
  type SigV4Scope,
  sha256Hex,
  signatureOf,
  signRequest,
  UNSIGNED_PAYLOAD,
  validateScope,
} from './sigv4.js';
export {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  normalizePath,
  parseQuery,
  type QueryPairs,
  type SignableHeaders,
  safeDecode,
  trimHeaderValue,
  uriEncode,
} from './sigv4-canonical.js';
export {
  MAX_PRESIGN_EXPIRES_SECONDS,
  type PresignOptions,
  type PresignResult,
  presignRequest,
  validateExpiresIn,
} from './sigv4-presign.js';
