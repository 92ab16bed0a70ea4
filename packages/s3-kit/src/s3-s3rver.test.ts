/**
 * S3 semantics against a third-party S3 server, s3rver (on 127.0.0.1, port 0): listing with pagination and
 * delimiters, ranges, multipart from disk, copy, batch delete; the official AWS client reads back what the kit
 * wrote. s3rver does not check V4 signatures, so this proves semantics; signing is proven by the AWS vectors
 * and by the conformance emulator's verifier.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NotFoundError } from '@ipfs-accelerate/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Kit, type S3KitClient } from './s3-client.js';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const MiB = 1024 * 1024;
const BUCKET = 'kit-bucket';
let dir: string;
let server: S3rverInstance;
let endpoint: string;
let kit: S3KitClient;
let official: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3-kit-s3rver-'));
  server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(dir, 'store'),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  kit = createS3Kit({
    endpoint,
    region: 'us-east-1',
    addressing: 'path',
    ...credentials,
    queue: { concurrency: 3 },
  });
  official = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  await kit.destroy();
  official.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the kit against s3rver', () => {
  it('writes text, bytes and streams that the official client reads back, with metadata', async () => {
    await kit.putObject({
      bucket: BUCKET,
      key: 'docs/hello world.txt',
      body: 'hello',
      contentType: 'text/plain',
      metadata: { lang: 'en' },
    });
    const bytes = randomBytes(1000);
    await kit.putObject({ bucket: BUCKET, key: 'docs/bytes.bin', body: bytes });
    async function* chunks() {
      yield Buffer.from('str');
      yield Buffer.from('eamed');
    }
    await kit.putObject({ bucket: BUCKET, key: 'docs/stream.txt', body: chunks(), contentLength: 8 });
    const read = await official.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/hello world.txt' }));
    expect([await read.Body?.transformToString(), read.ContentType, read.Metadata]).toEqual([
      'hello',
      'text/plain',
      { lang: 'en' },
    ]);
    const readBytes = await official.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/bytes.bin' }));
    expect(Buffer.from((await readBytes.Body?.transformToByteArray()) ?? []).equals(bytes)).toBe(true);
    expect(
      Buffer.from((await kit.getObject({ bucket: BUCKET, key: 'docs/stream.txt' })).body).toString(),
    ).toBe('streamed');
    const head = await kit.headObject({ bucket: BUCKET, key: 'docs/hello world.txt' });
    expect([head.size, head.contentType, head.metadata]).toEqual([5, 'text/plain', { lang: 'en' }]);
  });

  it('reads byte ranges', async () => {
    await kit.putObject({ bucket: BUCKET, key: 'range.txt', body: '0123456789' });
    const middle = await kit.getObject({ bucket: BUCKET, key: 'range.txt', range: { start: 2, end: 5 } });
    expect([Buffer.from(middle.body).toString(), middle.info.contentRange, middle.info.size]).toEqual([
      '2345',
      'bytes 2-5/10',
      10,
    ]);
    const tail = await kit.getObjectStream({ bucket: BUCKET, key: 'range.txt', range: { start: 7 } });
    let text = '';
    for await (const chunk of tail.body) text += Buffer.from(chunk).toString();
    expect(text).toBe('789');
  });

  it('lists with pagination and a delimiter', async () => {
    for (const key of ['list/a', 'list/b', 'list/c', 'list/d/1', 'list/d/2', 'list/e']) {
      await kit.putObject({ bucket: BUCKET, key, body: key });
    }
    const pages = [];
    for await (const page of kit.listObjectPages({ bucket: BUCKET, prefix: 'list/', pageSize: 2 }))
      pages.push(page);
    expect(pages.map((p) => p.objects.map((o) => o.key))).toEqual([
      ['list/a', 'list/b'],
      ['list/c', 'list/d/1'],
      ['list/d/2', 'list/e'],
    ]);
    expect(pages.map((p) => p.isTruncated)).toEqual([true, true, false]);
    const rolled = [];
    for await (const page of kit.listObjects({ bucket: BUCKET, prefix: 'list/', delimiter: '/' }).pages())
      rolled.push(page);
    expect(rolled[0]?.commonPrefixes).toEqual(['list/d/']);
    expect(rolled[0]?.objects.map((o) => o.key)).toEqual(['list/a', 'list/b', 'list/c', 'list/e']);
    const limited: string[] = [];
    for await (const o of kit.listObjects({ bucket: BUCKET, prefix: 'list/', pageSize: 2, maxKeys: 3 }))
      limited.push(o.key);
    expect(limited).toEqual(['list/a', 'list/b', 'list/c']);
  });

  it('copies, deletes one and many; a deleted key is NotFoundError', async () => {
    await kit.putObject({ bucket: BUCKET, key: 'copy/src', body: 'original', contentType: 'text/plain' });
    const copied = await kit.copyObject({
      source: { bucket: BUCKET, key: 'copy/src' },
      bucket: BUCKET,
      key: 'copy/dst',
    });
    expect(copied.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(Buffer.from((await kit.getObject({ bucket: BUCKET, key: 'copy/dst' })).body).toString()).toBe(
      'original',
    );
    const result = await kit.deleteObjects({ bucket: BUCKET, keys: ['copy/src', 'copy/dst'] });
    expect(result.deleted.sort()).toEqual(['copy/dst', 'copy/src']);
    await kit.putObject({ bucket: BUCKET, key: 'copy/single', body: 'x' });
    await kit.deleteObject({ bucket: BUCKET, key: 'copy/single' });
    await expect(kit.headObject({ bucket: BUCKET, key: 'copy/single' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(kit.getObject({ bucket: BUCKET, key: 'copy/src' })).rejects.toMatchObject({
      code: 'not_found',
      providerCode: 'NoSuchKey',
    });
  });

  it('uploads a large file in parts streamed from disk, in parallel; the official client reads it back', async () => {
    const file = join(dir, 'large.bin');
    const content = randomBytes(12 * MiB);
    await writeFile(file, content);
    const result = await kit.uploadFile({
      bucket: BUCKET,
      key: 'large/file.bin',
      filePath: file,
      partSize: 5 * MiB,
      concurrency: 3,
    });
    expect([result.parts, result.size]).toEqual([3, 12 * MiB]);
    // S3 answers `"<md5 of part md5s>-3"`; s3rver answers the MD5 of the whole object.
    expect(result.etag).toMatch(/^"[0-9a-f]{32}(-3)?"$/);
    const mine = await kit.getObject({ bucket: BUCKET, key: 'large/file.bin' });
    expect(Buffer.from(mine.body).equals(content)).toBe(true);
    const head = await official.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'large/file.bin' }));
    expect(head.ContentLength).toBe(12 * MiB);
    const back = await official.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'large/file.bin' }));
    expect(Buffer.from((await back.Body?.transformToByteArray()) ?? []).equals(content)).toBe(true);
    const uploads = kit.recentRequests(10).filter((r) => r.operation === 'upload-part');
    expect(uploads.length).toBe(3);
  });

  it('a presigned GET URL works with plain fetch', async () => {
    await kit.putObject({ bucket: BUCKET, key: 'presigned.txt', body: 'shared' });
    const response = await fetch(kit.presignUrl({ bucket: BUCKET, key: 'presigned.txt', expiresIn: 300 }));
    expect([response.status, await response.text()]).toEqual([200, 'shared']);
  });
});
