import { inspect } from 'node:util';
import {
  AuthenticationError,
  FakeClock,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createS3Kit, type S3KitClient, type S3KitOptions } from './s3-client.js';
import { EMPTY_SHA256, sha256Hex, signRequest } from './sigv4.js';

const AK = 'AKIATESTKEY00000001';
const SECRET = 'test-secret/with+slashes=';
const NOW = new Date('2024-03-01T12:00:00Z');
const errorXml = (code: string, message = code) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>RID-${code}</RequestId></Error>`;

let server: ScriptedServer;
let clients: S3KitClient[] = [];
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.destroy()));
  clients = [];
  await server.close();
});

function kit(overrides: Partial<S3KitOptions> = {}): S3KitClient {
  const client = createS3Kit({
    endpoint: server.origin,
    region: 'eu-central-1',
    accessKeyId: AK,
    secretAccessKey: SECRET,
    addressing: 'path',
    now: () => NOW,
    retry: { jitter: 'none', initialDelayMs: 100, budget: false },
    ...overrides,
  });
  clients.push(client);
  return client;
}

/** Recomputes the signature of a recorded request with the client's secret. */
function expectValidSignature(request: (typeof server.requests)[number], secret = SECRET): void {
  const auth = String(request.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers = Object.fromEntries(
    signedNames
      .filter((n) => !['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'].includes(n))
      .map((n) => [n, String(request.headers[n])]),
  );
  const [path = '', query = ''] = request.url.split('?');
  const expected = signRequest(
    { method: request.method, path, query, headers },
    {
      credentials: {
        accessKeyId: AK,
        secretAccessKey: secret,
        sessionToken: request.headers['x-amz-security-token'] as string | undefined,
      },
      region: 'eu-central-1',
      service: 's3',
      date: NOW,
    },
    { payloadHash: String(request.headers['x-amz-content-sha256']) },
  );
  expect(auth).toBe(expected.headers.authorization);
}

describe('createS3Kit: requests on the wire', () => {
  it('signs a PUT with the body hash, path-style, the key encoded once per segment', async () => {
    server.reply({ status: 200, headers: { etag: '"abc"', 'x-amz-request-id': 'R1' } });
    const result = await kit().putObject({
      bucket: 'bkt',
      key: 'a b/ü+$.txt',
      body: 'hello',
      contentType: 'text/plain',
      metadata: { Owner: 'me' },
    });
    expect(result.etag).toBe('"abc"');
    const [request] = server.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/bkt/a%20b/%C3%BC%2B%24.txt');
    expect(request?.headers['x-amz-content-sha256']).toBe(sha256Hex('hello'));
    expect(request?.headers['x-amz-date']).toBe('20240301T120000Z');
    expect(request?.headers['x-amz-meta-owner']).toBe('me');
    expect(String(request?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIATESTKEY00000001\/20240301\/eu-central-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-owner, Signature=[0-9a-f]{64}$/,
    );
    expectValidSignature(request as (typeof server.requests)[number]);
  });

  it('puts the canonical query on the wire and signs it; a session token is signed too', async () => {
    server.reply({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0"?><ListBucketResult><Name>b</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated><EncodingType>url</EncodingType><Contents><Key>dir/a%20b</Key><Size>3</Size><ETag>&quot;e&quot;</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>',
    });
    const pages = [];
    for await (const page of kit({ sessionToken: 'SESSION/TOKEN+=' }).listObjectPages({
      bucket: 'b',
      prefix: 'dir/x y',
      pageSize: 10,
    }))
      pages.push(page);
    expect(pages[0]?.objects).toEqual([
      { key: 'dir/a b', size: 3, etag: '"e"', lastModified: new Date('2024-01-01T00:00:00.000Z') },
    ]);
    const [request] = server.requests;
    expect(request?.url).toBe('/b?encoding-type=url&list-type=2&max-keys=10&prefix=dir%2Fx%20y');
    expect(request?.headers['x-amz-security-token']).toBe('SESSION/TOKEN+=');
    expect(request?.headers['x-amz-content-sha256']).toBe(EMPTY_SHA256);
    expectValidSignature(request as (typeof server.requests)[number]);
  });

  it('follows continuation tokens, one pipeline call per page', async () => {
    const page = (keys: string[], next?: string) =>
      `<ListBucketResult><IsTruncated>${next !== undefined}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ''}<KeyCount>${keys.length}</KeyCount>${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join('')}</ListBucketResult>`;
    server.reply({ body: page(['a', 'b'], 't/1+') }, { body: page(['c']) });
    const client = kit();
    const keys: string[] = [];
    for await (const o of client.listObjects({ bucket: 'b' })) keys.push(o.key);
    expect(keys).toEqual(['a', 'b', 'c']);
    expect(server.requests[1]?.url).toContain('continuation-token=t%2F1%2B');
    expect(client.stats().requests).toBe(2);
  });

  it('reads a byte range and streams an object', async () => {
    server.reply(
      { status: 206, headers: { 'content-range': 'bytes 2-4/10', etag: '"x"' }, body: 'llo' },
      { status: 200, headers: { 'content-length': '10' }, body: 'hello s3!!' },
    );
    const client = kit();
    const ranged = await client.getObject({ bucket: 'b', key: 'k', range: { start: 2, end: 4 } });
    expect([Buffer.from(ranged.body).toString(), ranged.info.size, ranged.info.contentRange]).toEqual([
      'llo',
      10,
      'bytes 2-4/10',
    ]);
    expect(server.requests[0]?.headers.range).toBe('bytes=2-4');
    const streamed = await client.getObjectStream({ bucket: 'b', key: 'k' });
    const chunks: Buffer[] = [];
    for await (const chunk of streamed.body) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('hello s3!!');
  });

  it('a body that does not match its MD5 ETag is a ResponseFormatError', async () => {
    server.reply({ status: 200, headers: { etag: '"5d41402abc4b2a76b9719d911017c592"' }, body: 'hellO' });
    await expect(kit().getObject({ bucket: 'b', key: 'k' })).rejects.toBeInstanceOf(ResponseFormatError);
  });
});

describe('createS3Kit: errors', () => {
  it('maps S3 XML errors to the taxonomy', async () => {
    const client = kit({ retry: { maxRetries: 0 } });
    const cases: Array<[number, string, new (...args: never[]) => Error]> = [
      [404, 'NoSuchKey', NotFoundError],
      [404, 'NoSuchBucket', NotFoundError],
      [403, 'SignatureDoesNotMatch', AuthenticationError],
      [403, 'InvalidAccessKeyId', AuthenticationError],
      [403, 'AccessDenied', PermissionDeniedError],
      [503, 'SlowDown', OverloadedError],
    ];
    for (const [status, code, type] of cases) {
      server.reply({
        status,
        headers: { 'content-type': 'application/xml', 'x-amz-request-id': `R-${code}` },
        body: errorXml(code),
      });
      const error = await client.getObject({ bucket: 'b', key: 'k' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({
        providerCode: code,
        status,
        provider: 's3-kit',
        providerRequestId: `R-${code}`,
      });
    }
  });

  it('HEAD errors have no body: mapped by status', async () => {
    server.reply({ status: 404 });
    await expect(kit().headObject({ bucket: 'b', key: 'k' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('SlowDown (503) is retried after the backoff', async () => {
    const clock = new FakeClock();
    server.reply({ status: 503, body: errorXml('SlowDown') }, { status: 204 });
    const pending = kit({ clock }).deleteObject({ bucket: 'b', key: 'k' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100 && server.requests.length === 1);
    await clock.advance(100);
    await pending;
    expect(server.requests.length).toBe(2);
  });

  it('a 200 CopyObject answer with an <Error> body is an error', async () => {
    server.reply({ status: 200, body: `\n\n${errorXml('AccessDenied')}` });
    await expect(
      kit({ retry: { maxRetries: 0 } }).copyObject({
        source: { bucket: 'a', key: 'x' },
        bucket: 'b',
        key: 'y',
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    expect(server.requests[0]?.headers['x-amz-copy-source']).toBe('/a/x');
  });
});

describe('createS3Kit: credentials and secrets', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const clearEnv = () => {
    for (const name of [
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'S3_ENDPOINT',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL',
    ])
      delete process.env[name];
  };

  it('refuses to start without credentials (no placeholder keys), and never mixes sources', () => {
    clearEnv();
    expect(() => createS3Kit({ endpoint: server.origin })).toThrow(AuthenticationError);
    expect(() => createS3Kit({ endpoint: server.origin, accessKeyId: 'A' })).toThrow(/secret access key/);
    process.env.S3_ACCESS_KEY = 'seed-key';
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret';
    expect(() => createS3Kit({ endpoint: server.origin })).toThrow(AuthenticationError);
  });

  it("reads the seed's S3_* variables, then the AWS ones", async () => {
    clearEnv();
    process.env.S3_ACCESS_KEY = 'SEEDKEY';
    process.env.S3_SECRET_KEY = 'seed-secret';
    process.env.S3_ENDPOINT = server.origin;
    const seeded = createS3Kit({ addressing: 'path', now: () => NOW });
    clients.push(seeded);
    server.reply({ status: 204 });
    await seeded.deleteObject({ bucket: 'b', key: 'k' });
    expect(String(server.requests[0]?.headers.authorization)).toContain(
      'Credential=SEEDKEY/20240301/us-east-1/',
    );
    clearEnv();
    process.env.AWS_ACCESS_KEY_ID = 'AWSKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'aws-secret';
    process.env.AWS_SESSION_TOKEN = 'aws-token';
    process.env.AWS_REGION = 'ap-south-1';
    process.env.AWS_ENDPOINT_URL_S3 = server.origin;
    const aws = createS3Kit({ addressing: 'path', now: () => NOW });
    clients.push(aws);
    server.reply({ status: 204 });
    await aws.deleteObject({ bucket: 'b', key: 'k' });
    expect(String(server.requests[1]?.headers.authorization)).toContain(
      'Credential=AWSKEY/20240301/ap-south-1/',
    );
    expect(server.requests[1]?.headers['x-amz-security-token']).toBe('aws-token');
  });

  it('never shows the secret in inspect, JSON or errors', async () => {
    const client = kit({ sessionToken: 'TOKEN-VALUE-123' });
    expect(inspect(client, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify(client)).not.toContain(SECRET);
    expect(inspect(client, { depth: 10 })).not.toContain('TOKEN-VALUE-123');
    server.reply({ status: 400, body: errorXml('InvalidArgument', `bad ${SECRET} TOKEN-VALUE-123`) });
    const error = await client.headObject({ bucket: 'b', key: 'k' }).catch((e: unknown) => e);
    expect(`${String(error)} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain(SECRET);
  });
});

describe('createS3Kit: multiplexing and validation', () => {
  it('round-robins over endpoints, each signing with its own credentials and region', async () => {
    const second = await startScriptedServer();
    try {
      const client = kit({
        strategy: 'round-robin',
        endpoints: [
          { id: 'a', endpoint: server.origin, accessKeyId: 'KEYA', secretAccessKey: 'sa' },
          {
            id: 'b',
            endpoint: second.origin,
            accessKeyId: 'KEYB',
            secretAccessKey: 'sb',
            region: 'us-west-2',
          },
        ],
      });
      for (let i = 0; i < 2; i++) {
        server.reply({ status: 204 });
        second.reply({ status: 204 });
      }
      for (let i = 0; i < 4; i++) await client.deleteObject({ bucket: 'b', key: `k${i}` });
      expect(server.requests.map((r) => String(r.headers.authorization).split('/')[0])).toEqual([
        'AWS4-HMAC-SHA256 Credential=KEYA',
        'AWS4-HMAC-SHA256 Credential=KEYA',
      ]);
      expect(
        second.requests.every((r) => String(r.headers.authorization).includes('KEYB/20240301/us-west-2/')),
      ).toBe(true);
      expect(client.stats().endpoints.b?.requests).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('rejects bad input before any request', async () => {
    const client = kit();
    await expect(client.getObject({ bucket: 'b/c', key: 'k' })).rejects.toThrow(/bucket/);
    await expect(client.getObject({ bucket: 'b', key: '' })).rejects.toThrow(/key/);
    await expect(client.getObject({ bucket: 'b', key: 'a/../b' })).rejects.toThrow(/'\.\.'/);
    await expect(client.getObject({ bucket: 'b', key: 'k', range: { start: 5, end: 2 } })).rejects.toThrow(
      /range/,
    );
    await expect(
      client.putObject({ bucket: 'b', key: 'k', body: (async function* () {})() }),
    ).rejects.toThrow(/contentLength/);
    await expect(client.deleteObjects({ bucket: 'b', keys: [] })).rejects.toThrow(/keys/);
    expect(() => client.presignUrl({ bucket: 'b', key: 'k', expiresIn: 604_801 })).toThrow(/expiresIn/);
    expect(server.requests.length).toBe(0);
  });

  it('presigns GET and PUT URLs with bounded expiry', () => {
    const url = new URL(
      kit().presignUrl({
        bucket: 'b',
        key: 'a b.txt',
        method: 'PUT',
        expiresIn: 60,
        contentType: 'text/plain',
      }),
    );
    expect(url.pathname).toBe('/b/a%20b.txt');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    expect(url.searchParams.get('X-Amz-Credential')).toBe(`${AK}/20240301/eu-central-1/s3/aws4_request`);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
