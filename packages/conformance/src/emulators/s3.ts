/**
 * An S3 emulator: path-style S3 REST with XML bodies, on 127.0.0.1, that verifies SigV4 like the real
 * service (a wrong signature is 403 `SignatureDoesNotMatch`, an unknown key 403 `InvalidAccessKeyId`, a stale
 * date 403 `RequestTimeTooSkewed`, a body that does not match its signed hash 400 `XAmzContentSHA256Mismatch`).
 * Every fault of the framework applies; `{ kind: 'error', status: 503 }` is S3's `SlowDown`.
 */
import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Fault,
} from '../emulator/types.js';
import { s3Operation } from './s3-operations.js';
import { errorXml, s3ErrorReply, xml } from './s3-shapes.js';
import { type EmulatorCredential, verifyPayloadHash, verifySigV4 } from './s3-sigv4.js';
import { createS3State, type S3State, type StoredObject, storedPartCount } from './s3-store.js';

/** The access key of an emulator started without `credentials`. */
export const S3_EMULATOR_ACCESS_KEY = 'AKIAEMULATOR0000001';

/** The secret the emulator pairs with an access key id when only ids are given (tests and the suite). */
export function s3EmulatorSecret(accessKeyId: string): string {
  return `emulator-secret/${accessKeyId}/wJalrXUtnFEMI`;
}

/** Options of {@link startS3Emulator}. */
export interface S3EmulatorOptions extends EmulatorOptions {
  /** Accepted credentials: access key id -> secret (or secret and session token). @default one key, {@link S3_EMULATOR_ACCESS_KEY} */
  readonly credentials?: Readonly<Record<string, string | EmulatorCredential>>;
  /** The region signatures must be scoped to. @default 'us-east-1' */
  readonly region?: string;
  /** Buckets that exist at start. @default [] */
  readonly buckets?: readonly string[];
  /** Missing keys under this prefix read as objects whose body is their key (for cheap tagged reads). */
  readonly echoPrefix?: string;
  /** Smallest part but the last of a multipart upload. @default 5 MiB, as S3 */
  readonly minPartSize?: number;
  /** Wall-clock time for date and expiry checks. @default Date.now */
  readonly now?: () => number;
}

/** A running S3 emulator. */
export interface S3Emulator extends Emulator {
  readonly region: string;
  /** The objects of a bucket now (undefined when the bucket does not exist). */
  objects(bucket: string): ReadonlyMap<string, StoredObject> | undefined;
  /** Multipart uploads not completed or aborted. */
  readonly openUploads: number;
  /** Parts stored in those uploads (0 once every upload is completed or aborted: no orphaned parts). */
  readonly storedParts: number;
}

/** The request id the emulator gives a request (in `x-amz-request-id` and error bodies). */
export function s3RequestId(request: EmulatorRequest): string {
  return `EMU${request.index.toString(16).toUpperCase().padStart(13, '0')}`;
}

/** A fault: HTTP 200 whose body is an S3 `<Error>` (what CompleteMultipartUpload and CopyObject can answer). */
export function s3ErrorIn200(
  code = 'InternalError',
  message = 'We encountered an internal error. Please try again.',
): Fault {
  return {
    kind: 'status',
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: `${'\n'.repeat(3)}${errorXml(code, message, '/', 'EMU200ERROR')}`,
  };
}

function s3Definition(
  state: S3State,
  options: S3EmulatorOptions,
  credentials: Map<string, EmulatorCredential>,
): EmulatorDefinition {
  const region = options.region ?? 'us-east-1';
  const now = options.now ?? Date.now;
  const ctx = (request: EmulatorRequest) => ({
    state,
    requestId: s3RequestId(request),
    echoPrefix: options.echoPrefix,
    minPartSize: options.minPartSize ?? 5 * 1024 * 1024,
  });
  return {
    name: 's3',
    pathPrefix: '',
    routes: {},
    authorize(request) {
      const failure =
        verifySigV4(request, { credentials, region, now: now() }) ?? verifyPayloadHash(request, request.body);
      if (!failure) return undefined;
      const extra =
        failure.stringToSign === undefined
          ? ''
          : `<StringToSign>${xml(failure.stringToSign)}</StringToSign><CanonicalRequest>${xml(failure.canonicalRequest ?? '')}</CanonicalRequest>`;
      return s3ErrorReply({ ...failure, extra }, request.path, s3RequestId(request));
    },
    errorReply: (spec, request) => s3ErrorReply(spec, request.path, s3RequestId(request)),
    errorFrame: (code, message) => errorXml(code ?? 'InternalError', message ?? 'stream failed', '/', 'EMU'),
    notFound(request) {
      try {
        return s3Operation(request, ctx(request));
      } catch (error) {
        const message = `Emulator failed: ${error instanceof Error ? error.message : String(error)}`;
        return s3ErrorReply(
          { status: 500, code: 'InternalError', message },
          request.path,
          s3RequestId(request),
        );
      }
    },
    responseHeaders: (request) => ({
      'x-amz-request-id': s3RequestId(request),
      'x-amz-id-2': Buffer.from(s3RequestId(request)).toString('base64'),
      server: 'AmazonS3',
    }),
    malformedBody: '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>cut',
  };
}

/**
 * Starts an S3 emulator. Its `baseURL` is the origin (path-style: `<origin>/<bucket>/<key>`); point a client at
 * it with path-style addressing, the emulator's region and one of its credentials.
 */
export async function startS3Emulator(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
  const given = options.credentials ?? { [S3_EMULATOR_ACCESS_KEY]: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY) };
  const credentials = new Map<string, EmulatorCredential>(
    Object.entries(given).map(([id, value]) => [
      id,
      typeof value === 'string' ? { secretAccessKey: value } : value,
    ]),
  );
  const state = createS3State(options.buckets ?? []);
  const emulator = await startEmulator(s3Definition(state, options, credentials), options);
  return Object.defineProperties(emulator, {
    region: { enumerable: true, value: options.region ?? 'us-east-1' },
    objects: { value: (bucket: string) => state.buckets.get(bucket) },
    openUploads: { enumerable: true, get: () => state.uploads.size },
    storedParts: { enumerable: true, get: () => storedPartCount(state) },
  }) as S3Emulator;
}
