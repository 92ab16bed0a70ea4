/**
 * A streamed download keeps its place in the lane's concurrency until its body is read, fails or is cancelled:
 * with a concurrency of 1, a second download waits for the first.
 */
import { createS3Kit, type S3KitClient } from '@ipfs-accelerate/s3-kit';
import { afterEach, expect, it } from 'vitest';
import { S3_EMULATOR_ACCESS_KEY, type S3Emulator, s3EmulatorSecret, startS3Emulator } from './s3.js';

let emulator: S3Emulator | undefined;
let client: S3KitClient | undefined;

afterEach(async () => {
  await client?.destroy();
  await emulator?.close();
});

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

it('a second download waits until the first body is cancelled, then runs', async () => {
  emulator = await startS3Emulator({ buckets: ['b'] });
  client = createS3Kit({
    endpoint: emulator.origin,
    addressing: 'path',
    accessKeyId: S3_EMULATOR_ACCESS_KEY,
    secretAccessKey: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY),
    queue: { concurrency: 1 },
  });
  // Large enough that the body cannot arrive in full unread (it outgrows the socket and body buffers).
  await client.putObject({ bucket: 'b', key: 'big', body: Buffer.alloc(8 * 1024 * 1024, 1) });
  const first = await client.getObjectStream({ bucket: 'b', key: 'big' });
  const gets = () => emulator?.requests.filter((r) => r.method === 'GET').length;
  const second = client.getObjectStream({ bucket: 'b', key: 'big' });
  await turns(200);
  expect(gets()).toBe(1);
  first.body.cancel();
  const { body } = await second;
  expect(gets()).toBe(2);
  expect((await body.bytes()).length).toBe(8 * 1024 * 1024);
});
