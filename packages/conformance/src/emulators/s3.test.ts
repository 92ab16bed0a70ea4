import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { createS3Kit, type S3KitClient, type S3KitOptions } from '@ipfs-accelerate/s3-kit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  S3_EMULATOR_ACCESS_KEY,
  type S3Emulator,
  s3EmulatorSecret,
  s3ErrorIn200,
  startS3Emulator,
} from './s3.js';

const emulators: S3Emulator[] = [];
const clients: S3KitClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function setup(options: Parameters<typeof startS3Emulator>[0] = {}, kit: Partial<S3KitOptions> = {}) {
  const emulator = await startS3Emulator({ buckets: ['b'], ...options });
  emulators.push(emulator);
  const client = createS3Kit({
    endpoint: emulator.origin,
    addressing: 'path',
    accessKeyId: S3_EMULATOR_ACCESS_KEY,
    secretAccessKey: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY),
    retry: { maxRetries: 0 },
    ...kit,
  });
  clients.push(client);
  return { emulator, client };
}

describe('S3 emulator: SigV4 verification', () => {
  it('accepts the kit, refuses a wrong secret with SignatureDoesNotMatch (and echoes the string to sign)', async () => {
    const { emulator, client } = await setup();
    await client.putObject({ bucket: 'b', key: 'k', body: 'v' });
    const wrong = createS3Kit({
      endpoint: emulator.origin,
      addressing: 'path',
      accessKeyId: S3_EMULATOR_ACCESS_KEY,
      secretAccessKey: 'wrong',
    });
    clients.push(wrong);
    await expect(wrong.getObject({ bucket: 'b', key: 'k' })).rejects.toMatchObject({
      code: 'authentication_failed',
      providerCode: 'SignatureDoesNotMatch',
      status: 403,
    });
    expect(emulator.objects('b')?.get('k')?.body.toString()).toBe('v');
  });

  it('refuses a stale date, a wrong region and an expired presigned URL', async () => {
    const { client } = await setup({ now: () => Date.now() + 20 * 60_000 });
    await expect(client.headObject({ bucket: 'b', key: 'k' })).rejects.toMatchObject({ status: 403 });
    await expect(client.getObject({ bucket: 'b', key: 'k' })).rejects.toMatchObject({
      providerCode: 'RequestTimeTooSkewed',
    });
    const url = client.presignUrl({ bucket: 'b', key: 'k', expiresIn: 60 });
    expect((await fetch(url)).status).toBe(403);
    const { client: other } = await setup({ region: 'eu-west-1' }, { region: 'us-east-1' });
    await expect(other.getObject({ bucket: 'b', key: 'k' })).rejects.toMatchObject({
      providerCode: 'AuthorizationHeaderMalformed',
    });
  });

  it('checks session tokens when the credential has one', async () => {
    const credentials = { AKTOKEN: { secretAccessKey: 'sk', sessionToken: 'tok' } };
    const { client } = await setup(
      { credentials },
      { accessKeyId: 'AKTOKEN', secretAccessKey: 'sk', sessionToken: 'tok' },
    );
    await client.putObject({ bucket: 'b', key: 'k', body: 'v' });
    const { client: without } = await setup(
      { credentials },
      { accessKeyId: 'AKTOKEN', secretAccessKey: 'sk' },
    );
    await expect(without.getObject({ bucket: 'b', key: 'k' })).rejects.toMatchObject({
      providerCode: 'InvalidToken',
    });
  });
});

describe('S3 emulator: faults the kit must survive', () => {
  it('SlowDown 503 is retried by the kit after its backoff', async () => {
    const clock = new FakeClock();
    const { emulator, client } = await setup(
      {},
      { clock, retry: { maxRetries: 2, jitter: 'none', initialDelayMs: 50 } },
    );
    await client.putObject({ bucket: 'b', key: 'k', body: 'v' });
    emulator.script('GET /b/k', [{ kind: 'error', status: 503, code: 'SlowDown' }]);
    const pending = client.getObject({ bucket: 'b', key: 'k' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 50);
    await clock.advance(50);
    expect(Buffer.from((await pending).body).toString()).toBe('v');
    expect(client.recentRequests(1)[0]?.attempts.map((a) => a.errorCode ?? null)).toEqual([
      'overloaded',
      null,
    ]);
  });

  it('a 200-with-<Error> CompleteMultipartUpload is an error and the upload is aborted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3-emulator-'));
    try {
      const file = join(dir, 'f.bin');
      await writeFile(file, Buffer.alloc(6 * 1024 * 1024, 7));
      const { emulator, client } = await setup();
      emulator.script('POST /b/big', [
        // The initiate passes; the complete answers 200 whose body is an <Error>.
        { kind: 'delay', ms: 0 },
        s3ErrorIn200('InternalError'),
      ]);
      await expect(
        client.uploadFile({ bucket: 'b', key: 'big', filePath: file, partSize: 5 * 1024 * 1024 }),
      ).rejects.toMatchObject({
        code: 'server_error',
        providerCode: 'InternalError',
      });
      expect(emulator.openUploads).toBe(0);
      expect(emulator.objects('b')?.has('big')).toBe(false);
      expect(emulator.requests.at(-1)?.method).toBe('DELETE');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers in S3 shapes: request ids, XML errors, ranges, 416', async () => {
    const { emulator, client } = await setup({}, {});
    await client.putObject({ bucket: 'b', key: 'r', body: '0123456789' });
    await expect(client.getObject({ bucket: 'b', key: 'r', range: { start: 20 } })).rejects.toMatchObject({
      status: 416,
      providerCode: 'InvalidRange',
    });
    const missing = await client.getObject({ bucket: 'b', key: 'nope' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'not_found', providerCode: 'NoSuchKey' });
    expect((missing as { providerRequestId?: string }).providerRequestId).toMatch(/^EMU/);
    expect(
      emulator.requests.every((r) => String(r.headers.authorization).startsWith('AWS4-HMAC-SHA256 ')),
    ).toBe(true);
  });
});
