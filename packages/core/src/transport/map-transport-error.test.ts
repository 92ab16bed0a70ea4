import { errors as undiciErrors } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  InvalidRequestError,
  ResponseFormatError,
  ServerError,
  TimeoutError,
} from '../errors/index.js';
import { abortErrorFromSignal, mapTransportError } from './map-transport-error.js';

function withCode(code: string, message = `boom ${code}`): Error {
  return Object.assign(new Error(message), { code });
}

describe('mapTransportError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'EPIPE',
    'ENOTFOUND',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CLOSED',
  ])('%s -> retryable ConnectionError keeping the cause', (code) => {
    const cause = withCode(code);
    const mapped = mapTransportError(cause);
    expect(mapped).toBeInstanceOf(ConnectionError);
    expect(mapped.retryable).toBe(true);
    expect(mapped.cause).toBe(cause);
    expect(mapped.message).toContain(code);
  });

  it("undici's SocketError ('other side closed') -> ConnectionError", () => {
    const mapped = mapTransportError(new undiciErrors.SocketError('other side closed'));
    expect(mapped).toBeInstanceOf(ConnectionError);
    expect(mapped.retryable).toBe(true);
  });

  it.each([
    [new undiciErrors.ConnectTimeoutError(), 'connect'],
    [new undiciErrors.HeadersTimeoutError(), 'first-byte'],
    [new undiciErrors.BodyTimeoutError(), 'idle'],
  ] as const)('%s -> TimeoutError of kind %s', (error, kind) => {
    const mapped = mapTransportError(error);
    expect(mapped).toBeInstanceOf(TimeoutError);
    expect((mapped as TimeoutError).kind).toBe(kind);
    expect(mapped.cause).toBe(error);
  });

  it('finds the code in the cause chain and in aggregated errors (happy eyeballs)', () => {
    const wrapped = new TypeError('fetch failed', { cause: withCode('ECONNRESET') });
    expect(mapTransportError(wrapped)).toBeInstanceOf(ConnectionError);
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect');
    expect(mapTransportError(aggregate).message).toContain('ECONNREFUSED');
  });

  it('maps refused arguments, malformed responses, TLS failures and aborts', () => {
    expect(mapTransportError(new undiciErrors.InvalidArgumentError('invalid method'))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(mapTransportError(withCode('HPE_INVALID_CONSTANT'))).toBeInstanceOf(ResponseFormatError);
    const tls = mapTransportError(withCode('CERT_HAS_EXPIRED'));
    expect(tls).toBeInstanceOf(ConnectionError);
    expect(tls.retryable).toBe(false);
    expect(mapTransportError(new undiciErrors.RequestAbortedError())).toBeInstanceOf(AbortError);
    expect(mapTransportError(new DOMException('aborted', 'AbortError'))).toBeInstanceOf(AbortError);
  });

  it('returns errors of the taxonomy as is, and wraps unknown ones as non-retryable', () => {
    const own = new ServerError('x');
    expect(mapTransportError(own)).toBe(own);
    const unknown = mapTransportError(new RangeError('weird'));
    expect(unknown).toBeInstanceOf(ConnectionError);
    expect(unknown.retryable).toBe(false);
    expect(mapTransportError('a string')).toBeInstanceOf(ConnectionError);
  });

  it('keeps long cause messages short', () => {
    const mapped = mapTransportError(withCode('ECONNRESET', 'x'.repeat(5_000)));
    expect(mapped.message.length).toBeLessThan(300);
  });
});

describe('abortErrorFromSignal', () => {
  it('passes an AccelerateError reason through and wraps anything else', () => {
    const timeout = new TimeoutError('attempt', { kind: 'attempt' });
    expect(abortErrorFromSignal(AbortSignal.abort(timeout))).toBe(timeout);
    const other = abortErrorFromSignal(AbortSignal.abort('because'));
    expect(other).toBeInstanceOf(AbortError);
    expect(other.cause).toBe('because');
  });
});
