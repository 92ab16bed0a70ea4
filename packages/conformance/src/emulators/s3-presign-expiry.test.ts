/**
 * Presigned URL expiry against the emulator's verifier (which reads real time): a fresh URL works, an expired
 * one is 403 AccessDenied "Request has expired", an X-Amz-Expires outside 1..604800 is 400
 * AuthorizationQueryParametersError, and the expiry is signed (stretching it breaks the signature). "Expired"
 * comes from signing with a past date through the kit's `now` option, never from sleeping.
 */
import { createS3Kit, type S3KitClient } from '@ipfs-accelerate/s3-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { S3_EMULATOR_ACCESS_KEY, type S3Emulator, s3EmulatorSecret, startS3Emulator } from './s3.js';

const emulators: S3Emulator[] = [];
const clients: S3KitClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function startEmulator(): Promise<S3Emulator> {
  const emulator = await startS3Emulator({ buckets: ['b'] });
  emulators.push(emulator);
  return emulator;
}

/** A kit whose signatures are dated `offsetMs` from now (negative: in the past). */
function kitSigningAt(emulator: S3Emulator, offsetMs = 0): S3KitClient {
  const client = createS3Kit({
    endpoint: emulator.origin,
    addressing: 'path',
    accessKeyId: S3_EMULATOR_ACCESS_KEY,
    secretAccessKey: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY),
    now: () => new Date(Date.now() + offsetMs),
  });
  clients.push(client);
  return client;
}

async function fetchText(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}

const withExpires = (url: string, value: string): string => {
  const edited = new URL(url);
  edited.searchParams.set('X-Amz-Expires', value);
  return edited.href;
};

describe('S3 emulator: presigned URL expiry', () => {
  it('a fresh presigned GET and PUT work', async () => {
    const emulator = await startEmulator();
    const client = kitSigningAt(emulator);
    const put = await fetchText(
      client.presignUrl({ bucket: 'b', key: 'fresh.txt', method: 'PUT', expiresIn: 60 }),
      { method: 'PUT', body: 'fresh body' },
    );
    expect(put.status).toBe(200);
    expect(emulator.objects('b')?.get('fresh.txt')?.body.toString()).toBe('fresh body');
    const get = await fetchText(client.presignUrl({ bucket: 'b', key: 'fresh.txt', expiresIn: 60 }));
    expect(get).toEqual({ status: 200, text: 'fresh body' });
    // Signed 10 s ago, valid for 60 s: still good.
    const recent = await fetchText(
      kitSigningAt(emulator, -10_000).presignUrl({ bucket: 'b', key: 'fresh.txt', expiresIn: 60 }),
    );
    expect(recent.status).toBe(200);
  });

  it('an expired presigned URL is refused: 403 AccessDenied "Request has expired"', async () => {
    const emulator = await startEmulator();
    await kitSigningAt(emulator).putObject({ bucket: 'b', key: 'k', body: 'secret body' });
    for (const [offsetMs, expiresIn] of [
      [-2 * 3600_000, 3600],
      [-61_000, 60],
      [-8 * 24 * 3600_000, 604_800],
    ] as const) {
      const url = kitSigningAt(emulator, offsetMs).presignUrl({ bucket: 'b', key: 'k', expiresIn });
      const { status, text } = await fetchText(url);
      expect(status).toBe(403);
      expect(text).toContain('<Code>AccessDenied</Code>');
      expect(text).toContain('Request has expired');
      expect(text).not.toContain('secret body');
    }
    // An expired presigned PUT stores nothing.
    const put = kitSigningAt(emulator, -3600_000).presignUrl({
      bucket: 'b',
      key: 'late.txt',
      method: 'PUT',
      expiresIn: 60,
    });
    expect((await fetchText(put, { method: 'PUT', body: 'late' })).status).toBe(403);
    expect(emulator.objects('b')?.has('late.txt')).toBe(false);
  });

  it('X-Amz-Expires outside 1..604800 is 400 AuthorizationQueryParametersError', async () => {
    const emulator = await startEmulator();
    const url = kitSigningAt(emulator).presignUrl({ bucket: 'b', key: 'k', expiresIn: 60 });
    for (const value of ['604801', '0', '-5', '1.5', 'soon', '']) {
      const { status, text } = await fetchText(withExpires(url, value));
      expect(status, `X-Amz-Expires=${value}`).toBe(400);
      expect(text).toContain('<Code>AuthorizationQueryParametersError</Code>');
    }
  });

  it('the expiry is signed: stretching an expired URL breaks its signature', async () => {
    const emulator = await startEmulator();
    await kitSigningAt(emulator).putObject({ bucket: 'b', key: 'k', body: 'v' });
    const expired = kitSigningAt(emulator, -2 * 3600_000).presignUrl({
      bucket: 'b',
      key: 'k',
      expiresIn: 3600,
    });
    expect((await fetchText(expired)).status).toBe(403);
    const stretched = await fetchText(withExpires(expired, '86400'));
    expect(stretched.status).toBe(403);
    expect(stretched.text).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
