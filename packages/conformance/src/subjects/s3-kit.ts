/**
 * The S3 kit as a conformance subject, on the S3 emulator (which verifies SigV4). The cheap call is a
 * GetObject of a tagged key under `tags/` (the emulator reads missing keys there as their own name), so the
 * tag travels in the path; the call's route is `'*'` because every tag is a different path. S3 has no
 * streaming operation: the Stream column is n/a.
 */
import { createS3Kit, type S3EndpointOptions, type S3KitClient } from '@ipfs-accelerate/s3-kit';
import type { EmulatorRequest } from '../emulator/types.js';
import { s3EmulatorSecret, startS3Emulator } from '../emulators/s3.js';
import { expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject, SubjectClientOptions } from '../suite/types.js';

const TAG_PREFIX = 'tags/';

/** The emulator's client options as the kit's: endpoint keys become access key ids, with the emulator's secrets. */
function kitOptions(options: SubjectClientOptions): Parameters<typeof createS3Kit>[0] {
  const { endpoints, apiKey: _apiKey, baseURL: _baseURL, ...pipeline } = options;
  return {
    ...pipeline,
    region: 'us-east-1',
    addressing: 'path',
    endpoints: endpoints.map(
      ({ baseURL, apiKey, secrets: _secrets, ...rest }): S3EndpointOptions => ({
        ...rest,
        endpoint: baseURL,
        accessKeyId: apiKey,
        secretAccessKey: apiKey === undefined ? undefined : s3EmulatorSecret(apiKey),
      }),
    ),
  };
}

/** Put, get (whole and ranged), list, delete: each leaves the bucket as it found it. */
function objectStoreChecks(bucket: string): CapabilityCheck<S3KitClient>[] {
  const key = (name: string) => `conformance-check/${name}`;
  return [
    {
      name: 'put then get returns the same bytes, whole and ranged',
      capability: 'object-store',
      async run(client) {
        const body = 'conformance object body';
        const put = await client.putObject({
          bucket,
          key: key('put-get.txt'),
          body,
          contentType: 'text/plain',
        });
        expectTrue(put.requestId.startsWith('req_'), 'our request id on the put');
        const got = await client.getObject({ bucket, key: key('put-get.txt') });
        expectEqual(Buffer.from(got.body).toString(), body, 'the body read back');
        expectEqual(got.info.size, body.length, 'the size');
        const part = await client.getObject({
          bucket,
          key: key('put-get.txt'),
          range: { start: 12, end: 17 },
        });
        expectEqual(Buffer.from(part.body).toString(), 'object', 'the ranged read');
        await client.deleteObject({ bucket, key: key('put-get.txt') });
      },
    },
    {
      name: 'list pages through what was written',
      capability: 'object-store',
      async run(client) {
        const names = ['list/a', 'list/b', 'list/c'];
        for (const name of names) await client.putObject({ bucket, key: key(name), body: name });
        const listed: string[] = [];
        for await (const object of client.listObjects({ bucket, prefix: key('list/'), pageSize: 2 }))
          listed.push(object.key);
        expectEqual(listed, names.map(key), 'the listed keys, in order, across pages');
        const result = await client.deleteObjects({ bucket, keys: names.map(key) });
        expectEqual(result.errors, [], 'batch delete errors');
      },
    },
    {
      name: 'delete removes the object (head then says NotFound)',
      capability: 'object-store',
      async run(client) {
        await client.putObject({ bucket, key: key('delete.txt'), body: 'x' });
        expectEqual(
          (await client.headObject({ bucket, key: key('delete.txt') })).size,
          1,
          'the size before delete',
        );
        await client.deleteObject({ bucket, key: key('delete.txt') });
        const error = await client.headObject({ bucket, key: key('delete.txt') }).then(
          () => undefined,
          (e: unknown) => e as { code?: string },
        );
        expectEqual(error?.code, 'not_found', 'head after delete');
        await client.deleteObject({ bucket, key: key('delete.txt') });
      },
    },
  ];
}

/** The tag of a logged GetObject of `tags/<tag>`. */
function tagOf(request: EmulatorRequest): string | undefined {
  const at = request.path.indexOf(`/${TAG_PREFIX}`);
  if (at < 0) return undefined;
  try {
    return decodeURIComponent(request.path.slice(at + 1 + TAG_PREFIX.length));
  } catch {
    return undefined;
  }
}

/**
 * Builds the S3 kit subject. Live mode needs credentials and an endpoint in the usual variables plus
 * `S3_CONFORMANCE_BUCKET`, a bucket the checks may write to (they delete what they write).
 */
export function s3KitSubject(): ConformanceSubject<S3KitClient> {
  const bucket = process.env.S3_CONFORMANCE_BUCKET ?? 'conformance';
  return {
    name: 's3-kit',
    title: 'S3 Kit',
    capabilities: ['object-store'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) =>
      startS3Emulator({
        credentials: Object.fromEntries(apiKeys.map((k) => [k, s3EmulatorSecret(k)])),
        buckets: [bucket],
        echoPrefix: TAG_PREFIX,
      }),
    createClient: (options) => createS3Kit(kitOptions(options)),
    call: (client, tag, options) => client.getObject({ bucket, key: `${TAG_PREFIX}${tag}` }, options),
    callRoute: '*',
    tagOf,
    providerRequestIds: true,
    errorCases: [
      {
        name: '400 InvalidArgument',
        fault: { kind: 'error', status: 400, code: 'InvalidArgument' },
        expect: 'invalid_request',
      },
      {
        name: '403 SignatureDoesNotMatch',
        fault: { kind: 'error', status: 403, code: 'SignatureDoesNotMatch' },
        expect: 'authentication_failed',
      },
      {
        name: '403 InvalidAccessKeyId',
        fault: { kind: 'error', status: 403, code: 'InvalidAccessKeyId' },
        expect: 'authentication_failed',
      },
      {
        name: '403 AccessDenied',
        fault: { kind: 'error', status: 403, code: 'AccessDenied' },
        expect: 'permission_denied',
      },
      {
        name: '404 NoSuchKey',
        fault: { kind: 'error', status: 404, code: 'NoSuchKey' },
        expect: 'not_found',
      },
      {
        name: '404 NoSuchBucket',
        fault: { kind: 'error', status: 404, code: 'NoSuchBucket' },
        expect: 'not_found',
      },
      {
        name: '416 InvalidRange',
        fault: { kind: 'error', status: 416, code: 'InvalidRange' },
        expect: 'invalid_request',
      },
      {
        name: '500 InternalError',
        fault: { kind: 'error', status: 500, code: 'InternalError' },
        expect: 'server_error',
      },
      { name: '503 SlowDown', fault: { kind: 'error', status: 503, code: 'SlowDown' }, expect: 'overloaded' },
      {
        name: '503 ServiceUnavailable',
        fault: { kind: 'error', status: 503, code: 'ServiceUnavailable' },
        expect: 'overloaded',
      },
    ],
    capabilityChecks: objectStoreChecks(bucket),
    live: { env: ['S3_CONFORMANCE_BUCKET'], createClient: () => createS3Kit() },
  };
}
