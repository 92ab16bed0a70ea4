/**
 * Fidelity of the S3 emulator: the official `@aws-sdk/client-s3` (path-style, the emulator's origin and
 * region, fixed credentials, retries off) does every operation the kit does against it, so the emulator's
 * SigV4 verifier accepts what AWS's own signer produces; a wrong secret or an unknown key is refused as S3
 * refuses it. Then the kit and the official client read back each other's writes.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createS3Kit } from '@ipfs-accelerate/s3-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_EMULATOR_ACCESS_KEY, type S3Emulator, s3EmulatorSecret, startS3Emulator } from './s3.js';

const REGION = 'eu-west-1';
const SECRET = s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY);

function official(
  emulator: S3Emulator,
  secretAccessKey = SECRET,
  accessKeyId = S3_EMULATOR_ACCESS_KEY,
): S3Client {
  return new S3Client({
    endpoint: emulator.origin,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
}

async function rejection(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as S3ServiceException;
  }
  throw new Error('expected a rejection');
}

describe('S3 emulator with the official AWS client', () => {
  let emulator: S3Emulator;
  let s3: S3Client;
  beforeAll(async () => {
    emulator = await startS3Emulator({ region: REGION, minPartSize: 1024 });
    s3 = official(emulator);
    await s3.send(new CreateBucketCommand({ Bucket: 'fidelity' }));
  });
  afterAll(async () => {
    s3.destroy();
    await emulator.close();
  });

  it('put, get (whole and ranged), head, copy, delete', async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'fidelity',
        Key: 'dir/hello world+$.txt',
        Body: 'Hello, S3!',
        ContentType: 'text/plain',
        Metadata: { colour: 'blue' },
      }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'dir/hello world+$.txt' }));
    expect(await got.Body?.transformToString()).toBe('Hello, S3!');
    expect(got.Metadata).toEqual({ colour: 'blue' });
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: 'fidelity', Key: 'dir/hello world+$.txt', Range: 'bytes=7-9' }),
    );
    expect([await ranged.Body?.transformToString(), ranged.ContentRange]).toEqual(['S3!', 'bytes 7-9/10']);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'fidelity', Key: 'dir/hello world+$.txt' }));
    expect([head.ContentLength, head.ContentType]).toEqual([10, 'text/plain']);
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'fidelity',
        Key: 'copy.txt',
        CopySource: `fidelity/${encodeURIComponent('dir/hello world+$.txt')}`,
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(put.ETag);
    await s3.send(new DeleteObjectCommand({ Bucket: 'fidelity', Key: 'copy.txt' }));
    expect(emulator.objects('fidelity')?.has('copy.txt')).toBe(false);
    const missing = await rejection(s3.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'copy.txt' })));
    expect([missing.name, missing.$metadata.httpStatusCode]).toEqual(['NoSuchKey', 404]);
  });

  it('ListObjectsV2 pages with continuation tokens and a delimiter; DeleteObjects', async () => {
    for (const key of ['list/a', 'list/b', 'list/c', 'list/sub/d', 'list/sub/e']) {
      await s3.send(new PutObjectCommand({ Bucket: 'fidelity', Key: key, Body: key }));
    }
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'fidelity',
          Prefix: 'list/',
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key ?? ''));
      token = page.NextContinuationToken;
      pages++;
    } while (token);
    expect([keys, pages]).toEqual([['list/a', 'list/b', 'list/c', 'list/sub/d', 'list/sub/e'], 3]);
    const rolled = await s3.send(
      new ListObjectsV2Command({ Bucket: 'fidelity', Prefix: 'list/', Delimiter: '/' }),
    );
    expect(rolled.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/sub/']);
    expect(rolled.KeyCount).toBe(4);
    const deleted = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'fidelity',
        Delete: { Objects: [{ Key: 'list/a' }, { Key: 'list/b' }] },
      }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['list/a', 'list/b']);
  });

  it('multipart: create, upload parts, complete; and abort', async () => {
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'fidelity', Key: 'big.bin' }),
    );
    const partA = Buffer.alloc(2048, 1);
    const partB = Buffer.from('tail');
    const a = await s3.send(
      new UploadPartCommand({ Bucket: 'fidelity', Key: 'big.bin', UploadId, PartNumber: 1, Body: partA }),
    );
    const b = await s3.send(
      new UploadPartCommand({ Bucket: 'fidelity', Key: 'big.bin', UploadId, PartNumber: 2, Body: partB }),
    );
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'fidelity',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: a.ETag },
            { PartNumber: 2, ETag: b.ETag },
          ],
        },
      }),
    );
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(emulator.objects('fidelity')?.get('big.bin')?.body.length).toBe(2052);
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'fidelity', Key: 'gone.bin' }));
    await s3.send(
      new AbortMultipartUploadCommand({ Bucket: 'fidelity', Key: 'gone.bin', UploadId: second.UploadId }),
    );
    expect(emulator.openUploads).toBe(0);
  });

  it('refuses a wrong secret (SignatureDoesNotMatch) and an unknown key (InvalidAccessKeyId)', async () => {
    const wrong = official(emulator, 'not-the-secret');
    const bad = await rejection(wrong.send(new HeadObjectCommand({ Bucket: 'fidelity', Key: 'big.bin' })));
    expect(bad.$metadata.httpStatusCode).toBe(403);
    const badGet = await rejection(wrong.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'big.bin' })));
    expect(badGet.name).toBe('SignatureDoesNotMatch');
    const unknown = official(emulator, SECRET, 'AKIAUNKNOWN');
    expect(
      (await rejection(unknown.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'big.bin' })))).name,
    ).toBe('InvalidAccessKeyId');
    wrong.destroy();
    unknown.destroy();
  });

  it('scripted SlowDown reaches the official client as S3 sends it', async () => {
    emulator.script('GET /fidelity/big.bin', [{ kind: 'error', status: 503 }]);
    const slow = await rejection(s3.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'big.bin' })));
    expect([slow.name, slow.$metadata.httpStatusCode]).toEqual(['SlowDown', 503]);
  });

  it('the kit and the official client read back what the other wrote (signed by each)', async () => {
    const kit = createS3Kit({
      endpoint: emulator.origin,
      region: REGION,
      addressing: 'path',
      accessKeyId: S3_EMULATOR_ACCESS_KEY,
      secretAccessKey: SECRET,
    });
    await kit.putObject({
      bucket: 'fidelity',
      key: 'kit/üñí cødé.txt',
      body: 'from the kit',
      contentType: 'text/plain',
    });
    const read = await s3.send(new GetObjectCommand({ Bucket: 'fidelity', Key: 'kit/üñí cødé.txt' }));
    expect(await read.Body?.transformToString()).toBe('from the kit');
    await s3.send(new PutObjectCommand({ Bucket: 'fidelity', Key: 'kit/official', Body: 'from the SDK' }));
    const back = await kit.getObject({ bucket: 'fidelity', key: 'kit/official' });
    expect(Buffer.from(back.body).toString()).toBe('from the SDK');
    const listed: string[] = [];
    for await (const o of kit.listObjects({ bucket: 'fidelity', prefix: 'kit/', pageSize: 1 }))
      listed.push(o.key);
    expect(listed).toEqual(['kit/official', 'kit/üñí cødé.txt']);
    const url = kit.presignUrl({ bucket: 'fidelity', key: 'kit/official', expiresIn: 60 });
    const response = await fetch(url);
    expect([response.status, await response.text()]).toEqual([200, 'from the SDK']);
    const tampered = await fetch(
      url.replace('kit%2Fofficial', 'kit/official').replace('official', 'officiaL'),
    );
    expect(tampered.status).toBe(403);
    await kit.destroy();
  });
});
