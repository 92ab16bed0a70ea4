/**
 * Multipart uploads are aborted on failure: whatever ends an upload early (a part refused, a part failing until
 * the retries run out, the caller's abort, CompleteMultipartUpload failing), the caller gets a typed error and
 * the emulator is left with no upload in progress and no orphaned part. When the abort itself fails, the caller
 * still gets the original error, with the abort failure attached.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError,
  AccelerateError,
  FakeClock,
  InvalidRequestError,
  ServerError,
} from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import {
  createS3Kit,
  type S3KitClient,
  type S3KitOptions,
  uploadAbortFailure,
} from '@ipfs-accelerate/s3-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3_EMULATOR_ACCESS_KEY, type S3Emulator, s3EmulatorSecret, startS3Emulator } from './s3.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
let dir: string;
/** 11 MiB: three parts of 5, 5 and 1 MiB. */
let file: string;
const emulators: S3Emulator[] = [];
const clients: S3KitClient[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 's3-multipart-abort-'));
  file = join(dir, 'big.bin');
  await writeFile(file, Buffer.alloc(11 * MiB, 0x5a));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

async function setup(kit: Partial<S3KitOptions> = {}) {
  const emulator = await startS3Emulator({ buckets: ['b'] });
  emulators.push(emulator);
  const clock = new FakeClock();
  const client = createS3Kit({
    endpoint: emulator.origin,
    addressing: 'path',
    accessKeyId: S3_EMULATOR_ACCESS_KEY,
    secretAccessKey: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY),
    clock,
    retry: { maxRetries: 2, initialDelayMs: 100, jitter: 'none', budget: false },
    ...kit,
  });
  clients.push(client);
  return { emulator, client, clock };
}

/**
 * `waitFor` with room for disk I/O: parts stream from a file through the thread pool, which on a loaded machine
 * takes far more event-loop turns than socket I/O (a hang still fails, within seconds).
 */
const waitForIo = (condition: () => boolean, what: string) => waitFor(condition, what, 2_000_000);

/**
 * Settles a call whose retries sleep on the FakeClock: fires each backoff sleep as soon as one is pending (the
 * attempt and idle timers, minutes away, are never reached), until the call settles.
 */
async function settle(pending: Promise<unknown>, clock: FakeClock): Promise<unknown> {
  let outcome: { error: unknown } | { value: unknown } | undefined;
  pending.then(
    (value) => {
      outcome = { value };
    },
    (error: unknown) => {
      outcome = { error };
    },
  );
  const backoffPending = () => {
    const next = clock.nextTimerAt();
    return next !== undefined && next - clock.now() <= 60_000;
  };
  while (outcome === undefined) {
    await waitForIo(
      () => outcome !== undefined || backoffPending(),
      'a backoff sleep or the end of the call',
    );
    if (outcome === undefined) await clock.advance((clock.nextTimerAt() ?? clock.now()) - clock.now());
  }
  if ('value' in outcome) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  return outcome.error;
}

const upload = (client: S3KitClient, extra: { concurrency?: number; signal?: AbortSignal } = {}) =>
  client.uploadFile(
    { bucket: 'b', key: 'big', filePath: file, partSize: PART, concurrency: extra.concurrency },
    { signal: extra.signal },
  );

function expectNothingLeft(emulator: S3Emulator): void {
  expect(emulator.openUploads).toBe(0);
  expect(emulator.storedParts).toBe(0);
  expect(emulator.objects('b')?.has('big')).toBe(false);
}

const deletes = (emulator: S3Emulator) =>
  emulator.requests.filter((r) => r.method === 'DELETE' && r.query.has('uploadId'));

describe('uploadFile aborts the multipart upload on failure (no orphaned parts)', () => {
  it('a part refused with a non-retryable 403: typed error, upload aborted once, nothing left', async () => {
    const { emulator, client } = await setup();
    emulator.script('PUT /b/big', [{ kind: 'error', status: 403, code: 'AccessDenied' }]);
    const error = await upload(client).catch((e: unknown) => e);
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 403, providerCode: 'AccessDenied', retryable: false });
    expect(uploadAbortFailure(error)).toBeUndefined();
    expect(deletes(emulator)).toHaveLength(1);
    expectNothingLeft(emulator);
  });

  it('a part failing with 500 until the retries are exhausted: typed error, stored parts dropped', async () => {
    const { emulator, client, clock } = await setup();
    // One part at a time: part 1 is stored, part 2 fails on every attempt (1 + maxRetries 2).
    emulator.script('PUT /b/big', [
      { kind: 'delay', ms: 0 },
      ...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 500, code: 'InternalError' })),
    ]);
    const error = await settle(upload(client, { concurrency: 1 }), clock);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, providerCode: 'InternalError', attempts: 3 });
    const parts = emulator.requests.filter((r) => r.method === 'PUT');
    expect(parts.map((r) => r.query.get('partNumber'))).toEqual(['1', '2', '2', '2']);
    expect(deletes(emulator)).toHaveLength(1);
    expectNothingLeft(emulator);
  });

  it('the caller aborts mid-upload: AbortError, the held part is never stored, the upload is aborted', async () => {
    const { emulator, client } = await setup();
    emulator.script('PUT /b/big', [{ kind: 'hold' }]);
    const controller = new AbortController();
    const pending = upload(client, { signal: controller.signal }).catch((e: unknown) => e);
    // One part is held; the other two (the kit sends up to 4 at once) are stored before the abort.
    await waitForIo(() => emulator.held === 1 && emulator.storedParts === 2, 'one part held, two stored');
    expect(emulator.openUploads).toBe(1);
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    await waitForIo(() => emulator.held === 0 && emulator.inFlight === 0, 'the held part closed');
    expect(deletes(emulator)).toHaveLength(1);
    expectNothingLeft(emulator);
  });

  it('CompleteMultipartUpload fails: typed error, the three stored parts are dropped', async () => {
    const { emulator, client } = await setup();
    // The create passes (a zero delay); the complete is refused.
    emulator.script('POST /b/big', [
      { kind: 'delay', ms: 0 },
      { kind: 'error', status: 400, code: 'InvalidPart', message: 'One or more parts could not be found.' },
    ]);
    const error = await upload(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, providerCode: 'InvalidPart' });
    expect(emulator.requests.filter((r) => r.method === 'PUT')).toHaveLength(3);
    expect(deletes(emulator)).toHaveLength(1);
    expectNothingLeft(emulator);
  });

  it('the abort itself fails (500s, retried a bounded number of times): the caller still gets the original error', async () => {
    const { emulator, client, clock } = await setup();
    emulator.script('PUT /b/big', [{ kind: 'error', status: 403, code: 'AccessDenied' }]);
    emulator.script(
      'DELETE /b/big',
      Array.from({ length: 10 }, () => ({ kind: 'error' as const, status: 500, code: 'InternalError' })),
    );
    const error = await settle(upload(client), clock);
    expect(error).toMatchObject({ status: 403, providerCode: 'AccessDenied' });
    const failure = uploadAbortFailure(error);
    expect(failure?.uploadId).toMatch(/\S/);
    expect(failure?.abortError).toBeInstanceOf(ServerError);
    expect(failure?.abortError).toMatchObject({ providerCode: 'InternalError', attempts: 3 });
    // 1 + maxRetries attempts, then the kit gives up: never retried forever.
    expect(deletes(emulator)).toHaveLength(3);
    // The upload is left in progress; the attached upload id lets the caller abort it later.
    expect(emulator.openUploads).toBe(1);
    emulator.clearScripts();
    await client.abortMultipartUpload({ bucket: 'b', key: 'big', uploadId: failure?.uploadId ?? '' });
    expectNothingLeft(emulator);
  });

  it('the abort refused outright (403) does not mask the part error either', async () => {
    const { emulator, client } = await setup();
    emulator.script('PUT /b/big', [{ kind: 'error', status: 400, code: 'InvalidArgument' }]);
    emulator.script('DELETE /b/big', [{ kind: 'error', status: 403, code: 'AccessDenied' }]);
    const error = await upload(client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ providerCode: 'InvalidArgument' });
    expect(uploadAbortFailure(error)?.abortError).toMatchObject({
      status: 403,
      providerCode: 'AccessDenied',
    });
    expect(deletes(emulator)).toHaveLength(1);
  });

  it('default retry and breaker: the failures open the breaker, and the abort still goes through it', async () => {
    // 6 failed attempts open the lane's breaker (5 consecutive failures); the abort bypasses it (it is sent to the
    // endpoint that holds the upload whatever its health, and does not feed the breaker), so nothing is left.
    const { emulator, client, clock } = await setup({ retry: { budget: false } });
    emulator.script(
      'PUT /b/big',
      Array.from({ length: 6 }, () => ({ kind: 'error' as const, status: 500, code: 'InternalError' })),
    );
    const error = await settle(upload(client, { concurrency: 1 }), clock);
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect(uploadAbortFailure(error)).toBeUndefined();
    expect(deletes(emulator)).toHaveLength(1);
    expect(client.lanes()[0]?.breaker.state).toBe('open');
    expectNothingLeft(emulator);
  });
});

describe('uploadFile over several endpoints', () => {
  async function twoEndpoints() {
    const [x, y] = await Promise.all([
      startS3Emulator({ buckets: ['b'] }),
      startS3Emulator({ buckets: ['b'] }),
    ]);
    emulators.push(x, y);
    const credentials = {
      accessKeyId: S3_EMULATOR_ACCESS_KEY,
      secretAccessKey: s3EmulatorSecret(S3_EMULATOR_ACCESS_KEY),
    };
    const client = createS3Kit({
      addressing: 'path',
      strategy: 'round-robin',
      endpoints: [
        { id: 'x', endpoint: x.origin, ...credentials },
        { id: 'y', endpoint: y.origin, ...credentials },
      ],
      retry: { maxRetries: 0 },
    });
    clients.push(client);
    return { x, y, client };
  }

  it('sends every part and the completion to the endpoint that created the upload', async () => {
    const { x, y, client } = await twoEndpoints();
    const result = await upload(client);
    expect(result.parts).toBe(3);
    const [holder, other] = result.endpointId === 'x' ? [x, y] : [y, x];
    expect(['x', 'y']).toContain(result.endpointId);
    expect(holder.objects('b')?.get('big')?.body.length).toBe(11 * MiB);
    expect(other.requests.filter((r) => r.path === '/b/big')).toHaveLength(0);
    for (const emulator of [x, y]) expect([emulator.openUploads, emulator.storedParts]).toEqual([0, 0]);
  });

  it('aborts on the endpoint that holds the upload when a part fails', async () => {
    const { x, y, client } = await twoEndpoints();
    for (const emulator of [x, y]) {
      emulator.script('PUT /b/big', [{ kind: 'error', status: 403, code: 'AccessDenied' }]);
    }
    const error = await upload(client).catch((e: unknown) => e);
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect(uploadAbortFailure(error)).toBeUndefined();
    const deletes = [x, y].map((e) => e.requests.filter((r) => r.method === 'DELETE').length);
    expect(deletes.sort()).toEqual([0, 1]);
    expectNothingLeft(x);
    expectNothingLeft(y);
  });
});
