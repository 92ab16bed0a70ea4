/**
 * SigV4 against AWS's documented S3 examples (Amazon S3 API reference, "Signature Calculations for the
 * Authorization Header" and "Authenticating Requests: Using Query Parameters"): credentials
 * AKIAIOSFODNN7EXAMPLE, bucket `examplebucket`, 2013-05-24, us-east-1, with the published signatures.
 */
import { describe, expect, it } from 'vitest';
import {
  amzDate,
  deriveSigningKey,
  EMPTY_SHA256,
  sha256Hex,
  signRequest,
  UNSIGNED_PAYLOAD,
} from './sigv4.js';
import { canonicalQuery, canonicalUri, trimHeaderValue, uriEncode } from './sigv4-canonical.js';
import { MAX_PRESIGN_EXPIRES_SECONDS, presignRequest } from './sigv4-presign.js';

const scope = {
  credentials: {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  region: 'us-east-1',
  service: 's3',
  date: new Date('2013-05-24T00:00:00Z'),
};
const host = 'examplebucket.s3.amazonaws.com';

describe('SigV4: AWS S3 documentation examples', () => {
  it('GET Object with a range (published signature f0e8bdb8…)', () => {
    const signed = signRequest(
      { method: 'GET', path: '/test.txt', headers: { host, range: 'bytes=0-9' } },
      scope,
      { payloadHash: EMPTY_SHA256 },
    );
    expect(signed.canonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        '',
        `host:${host}`,
        'range:bytes=0-9',
        `x-amz-content-sha256:${EMPTY_SHA256}`,
        'x-amz-date:20130524T000000Z',
        '',
        'host;range;x-amz-content-sha256;x-amz-date',
        EMPTY_SHA256,
      ].join('\n'),
    );
    expect(sha256Hex(signed.canonicalRequest)).toBe(
      '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
    );
    expect(signed.signature).toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it('PUT Object with a `$` in the key and a hashed body (published signature 98ad7217…)', () => {
    const body = 'Welcome to Amazon S3.';
    const signed = signRequest(
      {
        method: 'PUT',
        path: '/test$file.text',
        headers: {
          host,
          date: 'Fri, 24 May 2013 00:00:00 GMT',
          'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        },
      },
      scope,
      { body },
    );
    expect(signed.headers['x-amz-content-sha256']).toBe(
      '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    );
    expect(signed.canonicalRequest.split('\n').slice(0, 2)).toEqual(['PUT', '/test%24file.text']);
    expect(signed.signedHeaders).toBe('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class');
    expect(signed.signature).toBe('98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd');
    // The key already encoded on the wire signs the same: each segment is encoded once, never twice.
    const encoded = signRequest(
      {
        method: 'PUT',
        path: '/test%24file.text',
        headers: { host, date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY' },
      },
      scope,
      { body: new TextEncoder().encode(body) },
    );
    expect(encoded.signature).toBe(signed.signature);
  });

  it('GET Bucket lifecycle: a value-less subresource signs as `lifecycle=` (published fea454ca…)', () => {
    const signed = signRequest({ method: 'GET', path: '/', query: 'lifecycle', headers: { host } }, scope, {
      payloadHash: EMPTY_SHA256,
    });
    expect(signed.canonicalRequest.split('\n')[2]).toBe('lifecycle=');
    expect(signed.signature).toBe('fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
  });

  it('GET Bucket (list objects) with sorted query parameters (published 34b48302…)', () => {
    const signed = signRequest(
      { method: 'GET', path: '/', query: 'max-keys=2&prefix=J', headers: { host } },
      scope,
      { payloadHash: EMPTY_SHA256 },
    );
    expect(signed.signature).toBe('34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');
  });

  it('presigned GET URL valid for 86400 s (published aeeed9bb…)', () => {
    const result = presignRequest({ method: 'GET', path: '/test.txt', headers: { host } }, scope, {
      expiresIn: 86_400,
    });
    expect(result.canonicalRequest).toBe(
      [
        'GET',
        '/test.txt',
        'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host',
        `host:${host}`,
        '',
        'host',
        UNSIGNED_PAYLOAD,
      ].join('\n'),
    );
    expect(result.signature).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404');
    expect(
      result.query.endsWith(
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
      ),
    ).toBe(true);
  });
});

describe('SigV4: pieces', () => {
  it('derives the documented signing key shape and formats dates', () => {
    expect(amzDate(new Date('2015-08-30T12:36:00.123Z'))).toEqual({
      amzDate: '20150830T123600Z',
      dateStamp: '20150830',
    });
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
    // AWS General Reference, "Deriving the signing key" example.
    expect(key.toString('hex')).toBe('c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });

  it('encodes per RFC 3986: space %20, unreserved kept, slash only in paths, UTF-8 bytes', () => {
    expect(uriEncode('a b+c*~')).toBe('a%20b%2Bc%2A~');
    expect(uriEncode('a/b')).toBe('a%2Fb');
    expect(uriEncode('a/b', true)).toBe('a/b');
    expect(uriEncode('ሴ')).toBe('%E1%88%B4');
    expect(
      canonicalQuery([
        ['b', '2'],
        ['a', 'x y'],
        ['a', '1'],
      ]),
    ).toBe('a=1&a=x%20y&b=2');
  });

  it('keeps S3 paths as they are: no dot-segment removal, no slash collapsing, no double encoding', () => {
    expect(canonicalUri('/bucket/a//b/./c/../d')).toBe('/bucket/a//b/./c/../d');
    expect(canonicalUri('/bucket/x%2By y')).toBe('/bucket/x%2By%20y');
    expect(canonicalUri('/bucket/100%25')).toBe('/bucket/100%25');
    expect(canonicalUri('/a/./b/../c//', true)).toBe('/a/c/');
    expect(canonicalUri('')).toBe('/');
  });

  it('trims header values and collapses inner whitespace', () => {
    expect(trimHeaderValue('  a   b \n  c ')).toBe('a b c');
  });

  it('signs the session token and UNSIGNED-PAYLOAD', () => {
    const signed = signRequest(
      { method: 'PUT', path: '/b/k', headers: { host: 'h' } },
      { ...scope, credentials: { ...scope.credentials, sessionToken: 'TOKEN/+=' } },
      { payloadHash: UNSIGNED_PAYLOAD },
    );
    expect(signed.headers['x-amz-security-token']).toBe('TOKEN/+=');
    expect(signed.headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD);
    expect(signed.signedHeaders).toBe('host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
    expect(signed.canonicalRequest.endsWith(`\n${UNSIGNED_PAYLOAD}`)).toBe(true);
  });

  it('bounds presigned expiry to 1 s .. 7 days and rejects bad credentials before hashing', () => {
    const request = { method: 'GET', path: '/k', headers: { host } };
    for (const bad of [0, -1, 1.5, MAX_PRESIGN_EXPIRES_SECONDS + 1, Number.NaN]) {
      expect(() => presignRequest(request, scope, { expiresIn: bad })).toThrow(/expiresIn/);
    }
    expect(() => presignRequest(request, scope, { expiresIn: MAX_PRESIGN_EXPIRES_SECONDS })).not.toThrow();
    expect(() => presignRequest(request, scope, { expiresIn: 1 })).not.toThrow();
    expect(() =>
      signRequest(request, { ...scope, credentials: { accessKeyId: 'A', secretAccessKey: '' } }),
    ).toThrow(/secretAccessKey/);
    expect(() => signRequest({ ...request, headers: {} }, scope)).toThrow(/host/);
  });

  it('a different secret gives a different signature (the test can fail)', () => {
    const request = { method: 'GET', path: '/test.txt', headers: { host, range: 'bytes=0-9' } };
    const other = signRequest(request, {
      ...scope,
      credentials: { ...scope.credentials, secretAccessKey: 'x' },
    });
    expect(other.signature).not.toBe('f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41');
  });
});
