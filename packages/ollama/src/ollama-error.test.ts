import type { ErrorResponse } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOllama, type OllamaClient } from './ollama-client.js';
import { ollamaStreamError, parseOllamaError } from './ollama-error.js';

function response(status: number, body: unknown): ErrorResponse {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    status,
    headers: {},
    bodyText,
    bodyJson: typeof body === 'string' ? undefined : body,
    providerRequestId: undefined,
  };
}

const BUSY = 'server busy, please try again.  maximum pending requests exceeded';
const MISSING = 'model "llama9" not found, try pulling it first';

describe('parseOllamaError', () => {
  it.each([
    [400, 'invalid character', 'InvalidRequestError', false, false],
    [401, 'unauthorized', 'AuthenticationError', false, false],
    [403, 'forbidden', 'PermissionDeniedError', false, false],
    [404, MISSING, 'NotFoundError', false, false],
    [429, 'too many requests', 'RateLimitError', true, false],
    [500, 'llama runner process has terminated', 'ServerError', true, true],
    [502, 'cloud model unreachable', 'ServerError', true, true],
    [503, BUSY, 'OverloadedError', true, true],
    [504, 'gateway timeout', 'ServerError', true, true],
  ])('maps %i {"error": "%s"} to %s', (status, message, name, retryable, breaker) => {
    const error = parseOllamaError(response(status, { error: message }));
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.breakerFailure).toBe(breaker);
  });

  it('tags a missing model and a busy server with a provider code', () => {
    expect(parseOllamaError(response(404, { error: MISSING })).providerCode).toBe('model_not_found');
    expect(parseOllamaError(response(503, { error: BUSY })).providerCode).toBe('server_busy');
    expect(parseOllamaError(response(500, { error: 'boom' })).providerCode).toBeUndefined();
  });

  it('falls back to the text of a non-JSON body, then to the status', () => {
    expect(parseOllamaError(response(502, 'Bad Gateway\n')).message).toBe('Bad Gateway');
    expect(parseOllamaError(response(500, '')).message).toBe('HTTP 500');
  });
});

describe('ollamaStreamError', () => {
  it('classifies in-band error lines', () => {
    expect(ollamaStreamError('an error was encountered while running the model')).toMatchObject({
      name: 'ServerError',
      retryable: true,
      status: undefined,
    });
    expect(ollamaStreamError(BUSY)).toMatchObject({ name: 'OverloadedError', providerCode: 'server_busy' });
    expect(ollamaStreamError('pull model manifest: file does not exist')).toMatchObject({
      name: 'NotFoundError',
      retryable: false,
      status: undefined,
    });
    expect(ollamaStreamError({ message: 'nested' }).message).toBe('nested');
    expect(ollamaStreamError(42).message).toBe('ollama reported an error in the stream');
  });
});

describe('error responses through the client', () => {
  let server: ScriptedServer;
  let client: OllamaClient;
  const request = { model: 'llama9', messages: [{ role: 'user' as const, content: 'hi' }] };

  beforeEach(async () => {
    vi.stubEnv('OLLAMA_API_KEY', '');
    server = await startScriptedServer();
    client = createOllama({ baseURL: server.origin, retry: { initialDelayMs: 0, maxRetries: 2 } });
  });

  afterEach(async () => {
    await client.close();
    await server.close();
    vi.unstubAllEnvs();
  });

  it('fails a missing model at once with NotFoundError (no retry)', async () => {
    server.reply({ status: 404, json: { error: MISSING } });
    const error = await client.chat(request).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'NotFoundError',
      code: 'not_found',
      status: 404,
      message: MISSING,
      provider: 'ollama',
      attempts: 1,
      providerCode: 'model_not_found',
    });
    expect((error as { requestId?: string }).requestId).toMatch(/^req_/);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a busy server (503) and counts it as a breaker failure', async () => {
    server.reply(
      { status: 503, json: { error: BUSY } },
      { status: 503, json: { error: BUSY } },
      { status: 503, json: { error: BUSY } },
    );
    const error = await client.chat(request).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'OverloadedError',
      status: 503,
      attempts: 3,
      providerCode: 'server_busy',
    });
    expect(server.requests).toHaveLength(3);
    expect(client.lanes()[0]?.breaker.snapshot().consecutiveFailures).toBe(3);
  });

  it('recovers when the busy server frees up', async () => {
    server.reply(
      { status: 503, json: { error: BUSY } },
      {
        status: 200,
        json: {
          model: 'llama9',
          message: { role: 'assistant', content: 'hi' },
          done: true,
          done_reason: 'stop',
        },
      },
    );
    const result = await client.chat(request);
    expect(result.text).toBe('hi');
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a bad request (400)', async () => {
    server.reply({ status: 400, json: { error: 'json: cannot unmarshal number into Go struct field' } });
    await expect(client.chat(request)).rejects.toMatchObject({ name: 'InvalidRequestError', status: 400 });
    expect(server.requests).toHaveLength(1);
  });

  it('maps a 404 on a stream before any content', async () => {
    server.reply({ status: 404, json: { error: MISSING } });
    await expect(async () => {
      for await (const _ of client.streamChat(request)) {
        // nothing arrives
      }
    }).rejects.toMatchObject({ name: 'NotFoundError', status: 404 });
    expect(server.requests).toHaveLength(1);
  });
});
