import type { ErrorResponse } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { ovmsErrorCode, ovmsStreamError, parseOvmsError } from './ovms-error.js';

const response = (status: number, body: unknown): ErrorResponse => ({
  status,
  headers: {},
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  bodyJson: typeof body === 'string' ? undefined : body,
  providerRequestId: undefined,
});

describe('parseOvmsError', () => {
  it('maps statuses with the {"error"} message and a provider code', () => {
    expect(parseOvmsError(response(404, { error: 'Model with requested name is not found' }))).toMatchObject({
      name: 'NotFoundError',
      providerCode: 'model_not_found',
      message: 'Model with requested name is not found',
    });
    expect(
      parseOvmsError(response(503, { error: 'Model with requested version is not loaded yet' })),
    ).toMatchObject({
      name: 'OverloadedError',
      retryable: true,
      providerCode: 'not_ready',
    });
    expect(parseOvmsError(response(400, { error: 'Invalid input shape - Expected: (1,10)' }))).toMatchObject({
      name: 'InvalidRequestError',
      retryable: false,
      providerCode: 'invalid_shape',
    });
    expect(parseOvmsError(response(401, { error: 'Unauthorized' }))).toMatchObject({
      name: 'AuthenticationError',
    });
    expect(parseOvmsError(response(500, 'plain text failure'))).toMatchObject({
      name: 'ServerError',
      message: 'plain text failure',
    });
    expect(parseOvmsError(response(502, ''))).toMatchObject({ message: 'HTTP 502' });
  });

  it('classifies stream error lines', () => {
    expect(ovmsStreamError('Mediapipe execution failed. MP status - INVALID_ARGUMENT: x')).toMatchObject({
      name: 'InvalidRequestError',
      retryable: false,
    });
    expect(ovmsStreamError('Model not found')).toMatchObject({ name: 'NotFoundError' });
    expect(ovmsStreamError({ message: 'generation failed' })).toMatchObject({
      name: 'ServerError',
      retryable: true,
      message: 'generation failed',
    });
    expect(ovmsErrorCode('Invalid input precision - Expected: FP32; Actual: INT8')).toBe('invalid_precision');
    expect(ovmsErrorCode('Model with requested version is not found')).toBe('version_not_found');
  });
});
