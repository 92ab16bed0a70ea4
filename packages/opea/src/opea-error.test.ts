import {
  AuthenticationError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
  ServerError,
} from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { OpeaValidationError, parseOpeaError } from './opea-error.js';

const response = (status: number, body: unknown) => ({
  status,
  headers: {},
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  bodyJson: typeof body === 'string' ? undefined : body,
  providerRequestId: undefined,
});

describe('parseOpeaError', () => {
  it('turns a FastAPI validation list into an InvalidRequestError naming the fields', () => {
    const error = parseOpeaError(
      response(422, {
        detail: [
          { type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: {} },
          { type: 'float_parsing', loc: ['body', 'temperature'], msg: 'Input should be a valid number' },
        ],
      }),
    );
    expect(error).toBeInstanceOf(OpeaValidationError);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'opea: invalid request: body.messages: Field required; body.temperature: Input should be a valid number',
    );
    expect((error as OpeaValidationError).issues).toEqual([
      { field: 'body.messages', message: 'Field required', type: 'missing' },
      { field: 'body.temperature', message: 'Input should be a valid number', type: 'float_parsing' },
    ]);
    expect(error.providerCode).toBe('missing');
  });

  it('maps detail strings by status', () => {
    const cases: Array<[number, unknown]> = [
      [400, InvalidRequestError],
      [401, AuthenticationError],
      [404, NotFoundError],
      [429, RateLimitError],
      [500, ServerError],
      [503, OverloadedError],
    ];
    for (const [status, type] of cases) {
      const error = parseOpeaError(response(status, { detail: `failure ${status}` }));
      expect(error, String(status)).toBeInstanceOf(type as typeof Error);
      expect(error.message).toBe(`failure ${status}`);
      expect(error.provider).toBe('opea');
    }
  });

  it('maps the plain-text 500 of an unhandled exception', () => {
    const error = parseOpeaError(response(500, 'Internal Server Error'));
    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Internal Server Error');
  });
});
