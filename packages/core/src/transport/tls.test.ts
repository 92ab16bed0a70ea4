/**
 * TLS verification is on by default: a server whose certificate the client cannot verify is a typed,
 * non-retryable ConnectionError and the server never sees a request. Trusting a private CA is done by
 * passing an undici `Agent({ connect: { ca } })` as `dispatcher`, which keeps host name checks on.
 * Certificates are made at test time with the `openssl` CLI, for 127.0.0.1 only.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type CallSpec, createBackend } from '../backend.js';
import { FakeClock } from '../clock.js';
import { AccelerateError, ConnectionError } from '../errors/index.js';
import {
  type CertificatePair,
  hasOpenssl,
  selfSignedCertificate,
} from '../testing/self-signed-certificate.js';
import { UndiciTransport } from './undici-transport.js';

const KEY = 'tls-test-key-5b1e0c7d9a';

interface TlsServer {
  server: Server;
  origin: string;
  /** Requests the handler ran for. */
  handled: number;
}

async function startTlsServer(pair: CertificatePair): Promise<TlsServer> {
  const state = { handled: 0 };
  const server = createServer({ key: pair.key, cert: pair.cert }, (req, res) => {
    state.handled++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, auth: req.headers.authorization }));
  });
  // Handshakes the client refuses end up here; they are the point of the tests.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    origin: `https://127.0.0.1:${port}`,
    get handled() {
      return state.handled;
    },
  };
}

const call: CallSpec<unknown> = { operation: 'get', path: '/thing', parse: (r) => r.body.json() };

describe.skipIf(!hasOpenssl())('TLS (certificates made with the openssl CLI)', () => {
  let trusted: CertificatePair;
  let other: CertificatePair;
  let tls: TlsServer;
  let wrongName: TlsServer;
  const closers: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    trusted = selfSignedCertificate('IP:127.0.0.1');
    tls = await startTlsServer(trusted);
    // A certificate for another name, served on 127.0.0.1.
    other = selfSignedCertificate('DNS:other.invalid');
    wrongName = await startTlsServer(other);
  });

  afterAll(async () => {
    for (const close of closers.splice(0)) await close();
    for (const s of [tls, wrongName]) {
      s?.server.closeAllConnections();
      await new Promise<void>((resolve) => (s ? s.server.close(() => resolve()) : resolve()));
    }
  });

  function backend(baseURL: string, dispatcher?: Agent): Backend {
    const b = createBackend({
      provider: 'test',
      endpoints: [{ baseURL, apiKey: KEY }],
      retry: { maxRetries: 3, jitter: 'none', budget: false },
      clock: new FakeClock(),
      dispatcher,
    });
    closers.push(() => b.destroy());
    return b;
  }

  it('verification is not turned off for the whole process', () => {
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).not.toBe('0');
  });

  it('createBackend: an unverifiable certificate is a non-retryable ConnectionError; no request is served', async () => {
    const before = tls.handled;
    const b = backend(`${tls.origin}/v1`);
    const error = await b.call(call).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ConnectionError);
    const connection = error as ConnectionError;
    expect(connection.retryable).toBe(false);
    expect(connection.message).toMatch(
      /TLS failed \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(connection.attempts).toBe(1);
    expect(connection.message).not.toContain(KEY);
    expect(tls.handled).toBe(before);
  });

  it('the transport alone: the same typed error, before any request reaches the handler', async () => {
    const before = tls.handled;
    const transport = new UndiciTransport();
    closers.push(() => transport.destroy());
    const error = await transport
      .request({ url: `${tls.origin}/x`, method: 'GET', headers: { authorization: `Bearer ${KEY}` } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect(tls.handled).toBe(before);
  });

  it('a private CA is trusted through dispatcher: Agent({ connect: { ca } }), and the call succeeds', async () => {
    const agent = new Agent({ connect: { ca: trusted.cert } });
    closers.push(() => agent.close());
    const before = tls.handled;
    const b = backend(`${tls.origin}/v1`, agent);
    await expect(b.call(call)).resolves.toEqual({ ok: true, auth: `Bearer ${KEY}` });
    expect(tls.handled).toBe(before + 1);
  });

  it('trusting a CA keeps host name verification: a certificate for another name still fails', async () => {
    const agent = new Agent({
      connect: { ca: [trusted.cert, other.cert] },
    });
    closers.push(() => agent.close());
    const before = wrongName.handled;
    const error = await backend(`${wrongName.origin}/v1`, agent)
      .call(call)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).retryable).toBe(false);
    expect((error as ConnectionError).message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(wrongName.handled).toBe(before);
  });
});
