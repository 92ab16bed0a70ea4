import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors/index.js';
import { validateRequestOptions } from './request-options.js';

describe('validateRequestOptions', () => {
  it('accepts valid options and undefined', () => {
    expect(() => validateRequestOptions(undefined)).not.toThrow();
    expect(() =>
      validateRequestOptions({
        priority: 'low',
        deadlineMs: 10,
        timeoutMs: 5,
        requestId: 'req_x',
        signal: new AbortController().signal,
      }),
    ).not.toThrow();
  });

  it.each([
    [null, /must be an object/],
    [{ priority: 'urgent' }, /priority must be one of/],
    [{ deadlineMs: 0 }, /deadlineMs must be a positive/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a positive/],
    [{ timeoutMs: '5' }, /timeoutMs must be a positive/],
    [{ requestId: '' }, /requestId must be/],
    [{ requestId: 'x'.repeat(201) }, /requestId must be/],
    [{ signal: {} }, /signal must be an AbortSignal/],
  ])('rejects %j', (options, message) => {
    expect(() => validateRequestOptions(options as never)).toThrow(InvalidRequestError);
    expect(() => validateRequestOptions(options as never)).toThrow(message);
  });
});
