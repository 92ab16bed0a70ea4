import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AccelerateError,
  AuthenticationError,
  CircuitOpenError,
  ConflictError,
  ConnectionError,
  DeadlineExceededError,
  errorFromStatus,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  QueueFullError,
  QuotaExceededError,
  RateLimitError,
  ResponseFormatError,
  ResponseTooLargeError,
  ServerError,
  StreamError,
  TimeoutError,
} from './index.js';

describe('the error taxonomy', () => {
  const table: Array<[AccelerateError, string, boolean, boolean]> = [
    [new RateLimitError(), 'rate_limited', true, false],
    [new QuotaExceededError(), 'quota_exceeded', false, false],
    [new OverloadedError(), 'overloaded', true, true],
    [new AuthenticationError(), 'authentication_failed', false, false],
    [new PermissionDeniedError(), 'permission_denied', false, false],
    [new InvalidRequestError(), 'invalid_request', false, false],
    [new NotFoundError(), 'not_found', false, false],
    [new ConflictError(), 'conflict', true, false],
    [new ServerError(), 'server_error', true, true],
    [new TimeoutError(), 'timeout', true, true],
    [new ConnectionError(), 'connection_failed', true, true],
    [new StreamError(), 'stream_error', false, true],
    [new ResponseFormatError(), 'invalid_response', false, true],
    [new ResponseTooLargeError(10), 'response_too_large', false, true],
    [new CircuitOpenError(), 'circuit_open', false, false],
    [new QueueFullError(), 'queue_full', false, false],
    [new AbortError(), 'aborted', false, false],
    [new DeadlineExceededError(), 'deadline_exceeded', false, false],
  ];

  it.each(table)('%s has its code, retryability and breaker role', (error, code, retryable, breaker) => {
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.breakerFailure).toBe(breaker);
    expect(error).toBeInstanceOf(Error);
    expect(AccelerateError.isInstance(error)).toBe(true);
    expect(error.name).toBe(error.constructor.name);
    expect(error.attempts).toBe(0);
  });

  it('recognises errors from another copy of the package by the brand, and nothing else', () => {
    const foreign = Object.create({ [Symbol.for('ipfs-accelerate.error')]: true });
    expect(AccelerateError.isInstance(foreign)).toBe(true);
    expect(AccelerateError.isInstance(new Error('x'))).toBe(false);
    expect(AccelerateError.isInstance(null)).toBe(false);
    expect(AccelerateError.isInstance('rate_limited')).toBe(false);
  });

  it('carries the fields it is given and serialises them without the cause chain', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new RateLimitError('slow down', {
      retryAfterMs: 1500,
      requestId: 'req_1',
      providerRequestId: 'p-1',
      provider: 'openai',
      attempts: 3,
      providerCode: 'rate_limit_exceeded',
      retryable: false,
      cause,
    });
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'RateLimitError',
      code: 'rate_limited',
      message: 'slow down',
      retryable: false,
      status: 429,
      retryAfterMs: 1500,
      requestId: 'req_1',
      providerRequestId: 'p-1',
      provider: 'openai',
      attempts: 3,
      providerCode: 'rate_limit_exceeded',
      cause: { name: 'Error', code: 'ECONNRESET', message: 'socket hang up' },
    });
    expect(new ServerError('x', { cause: 'text cause' }).toJSON().cause).toBe('text cause');
    expect(inspect(error)).toContain('RateLimitError');
  });

  it('maps statuses by default', () => {
    const cases: Array<[number, string]> = [
      [400, 'invalid_request'],
      [401, 'authentication_failed'],
      [403, 'permission_denied'],
      [404, 'not_found'],
      [408, 'timeout'],
      [409, 'conflict'],
      [413, 'invalid_request'],
      [422, 'invalid_request'],
      [429, 'rate_limited'],
      [500, 'server_error'],
      [502, 'server_error'],
      [503, 'overloaded'],
      [529, 'overloaded'],
    ];
    for (const [status, code] of cases) {
      const error = errorFromStatus({ status, provider: 'p' });
      expect([status, error.code, error.status, error.provider]).toEqual([status, code, status, 'p']);
    }
    expect(errorFromStatus({ status: 408 })).toMatchObject({ kind: 'server' });
    expect(errorFromStatus({ status: 500, message: 'boom' }).message).toBe('boom');
  });
});
