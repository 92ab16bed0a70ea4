import { AccelerateError, InvalidRequestError, type LaneInfo } from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3Kit, type S3KitClient } from './s3-client.js';
import { DEFAULT_PRESIGN_EXPIRES_SECONDS, presignObjectUrl } from './s3-presign.js';
import { MAX_PRESIGN_EXPIRES_SECONDS } from './sigv4-presign.js';

const NOW = new Date('2024-03-01T12:00:00Z');
const clients: S3KitClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
});

function kit(): S3KitClient {
  // Presigning is local: no request is ever made, so the endpoint is never contacted.
  const client = createS3Kit({
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    accessKeyId: 'AKIAPRESIGNTEST00001',
    secretAccessKey: 'presign-secret',
    addressing: 'path',
    now: () => NOW,
  });
  clients.push(client);
  return client;
}

/** A lane that counts every credential read, to prove a bad expiry is refused before anything is computed. */
function countingLane(): { lane: LaneInfo; reads: () => number } {
  let reads = 0;
  const lane: LaneInfo = {
    id: 'counting',
    baseURL: 'http://127.0.0.1:9',
    headers: {},
    apiKey: () => {
      reads++;
      return 'AKIACOUNTING';
    },
    secret: () => {
      reads++;
      return 'counting-secret';
    },
  };
  return { lane, reads: () => reads };
}

const BAD_EXPIRIES: ReadonlyArray<[string, unknown]> = [
  ['zero', 0],
  ['negative', -1],
  ['fractional', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['over 7 days', MAX_PRESIGN_EXPIRES_SECONDS + 1],
  ['a numeric string', '60'],
  ['null', null],
  ['a bigint', 60n],
  ['an object', { valueOf: () => 60 }],
  ['a null-prototype object', Object.create(null)],
  [
    'an object whose toString throws',
    {
      toString: () => {
        throw new Error('boom');
      },
    },
  ],
];

describe('presignUrl expiry bounds (1 .. 604800 s)', () => {
  it.each(BAD_EXPIRIES)('refuses %s with an InvalidRequestError naming the bound', (_name, expiresIn) => {
    const client = kit();
    let caught: unknown;
    try {
      client.presignUrl({ bucket: 'b', key: 'k', expiresIn: expiresIn as number });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect((caught as Error).message).toMatch(/expiresIn.*from 1 to 604800 \(7 days\)/);
  });

  it('refuses a bad expiry before reading credentials or building the URL', () => {
    for (const [, expiresIn] of BAD_EXPIRIES) {
      const { lane, reads } = countingLane();
      expect(() =>
        presignObjectUrl(lane, 'us-east-1', 'path', NOW, {
          bucket: 'b',
          key: 'k',
          expiresIn: expiresIn as number,
        }),
      ).toThrow(InvalidRequestError);
      expect(reads()).toBe(0);
    }
  });

  it('accepts the bounds themselves and defaults to one hour', () => {
    const client = kit();
    const expiry = (expiresIn?: number) =>
      new URL(client.presignUrl({ bucket: 'b', key: 'k', expiresIn })).searchParams.get('X-Amz-Expires');
    expect(expiry(1)).toBe('1');
    expect(expiry(MAX_PRESIGN_EXPIRES_SECONDS)).toBe('604800');
    expect(DEFAULT_PRESIGN_EXPIRES_SECONDS).toBe(3600);
    expect(expiry()).toBe('3600');
    expect(new URL(client.presignUrl({ bucket: 'b', key: 'k' })).searchParams.get('X-Amz-Date')).toBe(
      '20240301T120000Z',
    );
  });

  it('property: any value is either a URL whose X-Amz-Expires is an integer in 1..604800, or a typed error', () => {
    const client = kit();
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -10, max: MAX_PRESIGN_EXPIRES_SECONDS + 10 }), fc.double(), fc.anything()),
        (expiresIn) => {
          let url: string | undefined;
          try {
            url = client.presignUrl({ bucket: 'b', key: 'k', expiresIn: expiresIn as number });
          } catch (error) {
            expect(AccelerateError.isInstance(error)).toBe(true);
            expect(error).toBeInstanceOf(InvalidRequestError);
            return;
          }
          const expires = Number(new URL(url).searchParams.get('X-Amz-Expires'));
          expect(expiresIn === undefined ? DEFAULT_PRESIGN_EXPIRES_SECONDS : expiresIn).toBe(expires);
          expect(Number.isInteger(expires) && expires >= 1 && expires <= MAX_PRESIGN_EXPIRES_SECONDS).toBe(
            true,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
