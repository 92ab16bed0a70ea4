import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidRequestError, ServerError } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3Kit, type S3KitClient } from './s3-client.js';
import { MIN_PART_SIZE, partSizeFor, uploadAbortFailure } from './s3-multipart.js';
import { UNSIGNED_PAYLOAD } from './sigv4.js';

const MiB = 1024 * 1024;
let dir: string;
let bigFile: string;
let server: ScriptedServer;
let client: S3KitClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3-kit-multipart-'));
  bigFile = join(dir, 'big.bin');
  const bytes = Buffer.alloc(11 * MiB);
  for (let i = 0; i < bytes.length; i += 4096) bytes[i] = (i / 4096) % 251;
  await writeFile(bigFile, bytes);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  server = await startScriptedServer();
  client = createS3Kit({
    endpoint: server.origin,
    accessKeyId: 'AK',
    secretAccessKey: 'SK',
    addressing: 'path',
    queue: { concurrency: 1 },
    retry: { maxRetries: 0 },
  });
});
afterEach(async () => {
  await client.destroy();
  await server.close();
});

const initiated = {
  body: '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>UP-1</UploadId></InitiateMultipartUploadResult>',
};
const part = (n: number) => ({ status: 200, headers: { etag: `"etag-${n}"` } });

describe('uploadFile (multipart)', () => {
  it('streams parts from disk with Content-Length and UNSIGNED-PAYLOAD, then completes in part order', async () => {
    server.reply(initiated, part(1), part(2), part(3), {
      body: '<CompleteMultipartUploadResult><ETag>"final-3"</ETag></CompleteMultipartUploadResult>',
    });
    const result = await client.uploadFile({ bucket: 'b', key: 'k', filePath: bigFile, partSize: 5 * MiB });
    expect(result).toEqual({
      etag: '"final-3"',
      parts: 3,
      uploadId: 'UP-1',
      endpointId: 'endpoint_0',
      size: 11 * MiB,
    });
    const [create, p1, p2, p3, complete] = server.requests;
    expect([create?.method, create?.url]).toEqual(['POST', '/b/k?uploads=']);
    expect([p1, p2, p3].map((r) => r?.url)).toEqual([
      '/b/k?partNumber=1&uploadId=UP-1',
      '/b/k?partNumber=2&uploadId=UP-1',
      '/b/k?partNumber=3&uploadId=UP-1',
    ]);
    expect([p1, p2, p3].map((r) => r?.headers['content-length'])).toEqual([
      String(5 * MiB),
      String(5 * MiB),
      String(MiB),
    ]);
    expect(p3?.headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(p1?.text.length).toBe(5 * MiB);
    expect(complete?.text).toContain(
      '<Part><PartNumber>1</PartNumber><ETag>&quot;etag-1&quot;</ETag></Part><Part><PartNumber>2</PartNumber>',
    );
    expect(client.stats().requests).toBe(5);
  });

  it('aborts the upload when a part fails, and throws the part error', async () => {
    server.reply(
      initiated,
      part(1),
      { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>bad part</Message></Error>' },
      { status: 204 },
    );
    const error = await client
      .uploadFile({ bucket: 'b', key: 'k', filePath: bigFile, partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect((error as Error).message).toContain('bad part');
    const last = server.requests.at(-1);
    expect([last?.method, last?.url]).toEqual(['DELETE', '/b/k?uploadId=UP-1']);
    expect(server.requests.filter((r) => r.method === 'PUT').length).toBe(2);
    expect(uploadAbortFailure(error)).toBeUndefined();
  });

  it('an abort that fails too does not mask the part error: it is attached with the upload id', async () => {
    server.reply(
      initiated,
      part(1),
      { status: 400, body: '<Error><Code>InvalidArgument</Code><Message>bad part</Message></Error>' },
      { status: 500, body: '<Error><Code>InternalError</Code><Message>abort broke</Message></Error>' },
    );
    const error = await client
      .uploadFile({ bucket: 'b', key: 'k', filePath: bigFile, partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toContain('bad part');
    const failure = uploadAbortFailure(error);
    expect(failure?.uploadId).toBe('UP-1');
    expect(failure?.abortError).toBeInstanceOf(ServerError);
    expect(failure?.abortError).toMatchObject({ providerCode: 'InternalError' });
    expect(server.requests.filter((r) => r.method === 'DELETE').length).toBe(1);
    // A successful abort attaches nothing.
    expect(uploadAbortFailure(new Error('plain'))).toBeUndefined();
    expect(uploadAbortFailure(undefined)).toBeUndefined();
  });

  it('detects the 200-with-<Error> answer of CompleteMultipartUpload and aborts', async () => {
    server.reply(
      initiated,
      part(1),
      part(2),
      part(3),
      {
        status: 200,
        body: '\n \n<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>',
      },
      { status: 204 },
    );
    const error = await client
      .uploadFile({ bucket: 'b', key: 'k', filePath: bigFile, partSize: 5 * MiB })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ providerCode: 'InternalError', retryable: true });
    expect(server.requests.at(-1)?.method).toBe('DELETE');
  });

  it('small files go in one PutObject streamed from disk', async () => {
    const small = join(dir, 'small.txt');
    await writeFile(small, 'tiny file');
    server.reply({ status: 200, headers: { etag: '"s"' } });
    expect(await client.uploadFile({ bucket: 'b', key: 'k', filePath: small })).toEqual({
      etag: '"s"',
      parts: 0,
      size: 9,
    });
    expect(server.requests[0]?.text).toBe('tiny file');
    expect(server.requests[0]?.headers['content-length']).toBe('9');
  });

  it('validates before sending, and sizes parts to fit 10000', async () => {
    await expect(
      client.uploadFile({ bucket: 'b', key: 'k', filePath: bigFile, partSize: MiB }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(
      client.uploadFile({ bucket: 'b', key: 'k', filePath: join(dir, 'missing') }),
    ).rejects.toThrow(/cannot read/);
    expect(server.requests.length).toBe(0);
    expect(partSizeFor(10 * MiB, MIN_PART_SIZE)).toBe(MIN_PART_SIZE);
    expect(partSizeFor(100_000 * MiB, MIN_PART_SIZE)).toBe(10 * MiB);
  });
});
