import type { ErrorResponse } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { parseHfTeiError } from './hf-tei-error.js';

function response(status: number, body: unknown): ErrorResponse {
  const bodyText = body === undefined ? '' : JSON.stringify(body);
  return { status, headers: {}, bodyText, bodyJson: body, providerRequestId: undefined };
}

describe('parseHfTeiError', () => {
  it('maps 429 Overloaded (any casing) to a retryable rate limit that is not a breaker failure', () => {
    for (const errorType of ['Overloaded', 'overloaded', 'OVERLOADED']) {
      const error = parseHfTeiError(response(429, { error: 'Model is overloaded', error_type: errorType }));
      expect(error).toMatchObject({
        code: 'rate_limited',
        retryable: true,
        status: 429,
        providerCode: 'overloaded',
      });
      expect(error.message).toBe('Model is overloaded');
      expect(error.breakerFailure).toBe(false);
    }
  });

  it('maps validation, tokenizer and empty errors to invalid requests', () => {
    const cases: Array<[number, string, string]> = [
      [413, 'batch size 40 > maximum allowed batch size 32', 'Validation'],
      [422, 'Input validation error: inputs must have less than 512 tokens', 'Validation'],
      [422, 'tokenizer failed', 'Tokenizer'],
      [400, 'Batch is empty', 'Empty'],
    ];
    for (const [status, message, errorType] of cases) {
      const error = parseHfTeiError(response(status, { error: message, error_type: errorType }));
      expect(error).toMatchObject({ code: 'invalid_request', retryable: false, message, status });
      expect(error.providerCode).toBe(errorType.toLowerCase());
    }
  });

  it('maps 503 Unhealthy to overloaded (a breaker failure) and 424 by its cause', () => {
    const unhealthy = parseHfTeiError(response(503, { error: 'unhealthy', error_type: 'Unhealthy' }));
    expect(unhealthy).toMatchObject({ code: 'overloaded', retryable: true, providerCode: 'unhealthy' });
    expect(unhealthy.breakerFailure).toBe(true);
    const wrongModel = parseHfTeiError(
      response(424, { error: 'model is not a re-ranker model', error_type: 'Backend' }),
    );
    expect(wrongModel).toMatchObject({ code: 'invalid_request', retryable: false });
    const failed = parseHfTeiError(response(424, { error: 'Inference failed', error_type: 'Backend' }));
    expect(failed).toMatchObject({ code: 'server_error', retryable: false, providerCode: 'backend' });
  });

  it('reads the /v1/embeddings shape and an empty 401', () => {
    const openai = parseHfTeiError(
      response(429, { message: 'Model is overloaded', code: 429, error_type: 'Overloaded' }),
    );
    expect(openai).toMatchObject({
      code: 'rate_limited',
      message: 'Model is overloaded',
      providerCode: 'overloaded',
    });
    const specExample = parseHfTeiError(response(413, { message: 'Batch size error', type: 'validation' }));
    expect(specExample).toMatchObject({ code: 'invalid_request', providerCode: 'validation' });
    const auth = parseHfTeiError(response(401, undefined));
    expect(auth).toMatchObject({ code: 'authentication_failed', message: 'unauthorized' });
  });

  it('maps other statuses by the core mapping', () => {
    expect(parseHfTeiError(response(500, { error: 'boom', error_type: 'Backend' })).code).toBe(
      'server_error',
    );
    expect(parseHfTeiError(response(404, 'nope')).code).toBe('not_found');
  });
});
