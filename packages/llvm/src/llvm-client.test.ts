import { inspect } from 'node:util';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLlvm } from './llvm-client.js';

const KEY = 'llvm-secret-5b1e0c9d77aa4f21';
const ENV = [
  'LLVM_BASE_URL',
  'LLVM_API_URL',
  'LLVM_API_KEY',
  'LLVM_TIMEOUT',
  'LLVM_MAX_RETRIES',
  'LLVM_RETRY_DELAY',
  'LLVM_BACKOFF_FACTOR',
  'LLVM_MAX_CONCURRENT',
  'LLVM_FAILURE_THRESHOLD',
  'LLVM_RESET_TIMEOUT',
  'LLVM_BATCH_SIZE',
  'LLVM_BATCH_TIMEOUT',
];

let server: ScriptedServer;

beforeEach(async () => {
  for (const name of ENV) vi.stubEnv(name, '');
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

const model = { model_id: 'bert-base', status: 'loaded' };

describe('secrets', () => {
  it('never shows the key in util.inspect, JSON or the ledger of the client', async () => {
    const client = createLlvm({ baseURL: server.origin, apiKey: KEY });
    server.reply({ json: { status: 'ok' } });
    await client.status();
    expect(inspect(client, { depth: 10 })).not.toContain(KEY);
    expect(inspect(client)).toContain('LlvmClient');
    expect(JSON.stringify(client)).not.toContain(KEY);
    expect(JSON.stringify(client.recentRequests())).not.toContain(KEY);
    expect(client.endpoints()[0]?.hasApiKey).toBe(true);
    await client.close();
  });

  it('never shows the key in an error, even when the server echoes it', async () => {
    const client = createLlvm({ baseURL: server.origin, apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply({ status: 401, json: { error: `bad key ${KEY}`, code: 'unauthorized' } });
    const error = await client.status().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401, providerCode: 'unauthorized' });
    expect((error as Error).message).not.toContain(KEY);
    expect(inspect(error)).not.toContain(KEY);
    expect(JSON.stringify(error)).not.toContain(KEY);
    await client.close();
  });

  it('reads LLVM_API_KEY and sends it as a bearer token; no key, no header', async () => {
    vi.stubEnv('LLVM_API_KEY', KEY);
    const withKey = createLlvm({ baseURL: server.origin });
    const withoutKey = createLlvm({ baseURL: server.origin, apiKey: '' });
    server.reply({ json: { status: 'ok' } }, { json: { status: 'ok' } });
    await withKey.status();
    await withoutKey.status();
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
    await Promise.all([withKey.close(), withoutKey.close()]);
  });
});

describe('the wire', () => {
  it('sends X-Request-ID with our id and records the echoed one as the provider request id', async () => {
    const client = createLlvm({ baseURL: server.origin });
    server.reply({ json: { model_id: 'bert-base', outputs: 'HI' }, headers: { 'x-request-id': 'srv-1' } });
    const result = await client.infer({ model: 'bert-base', input: 'hi' }, { requestId: 'req_wire_1' });
    expect(server.requests[0]?.headers['x-request-id']).toBe('req_wire_1');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(result).toEqual({ modelId: 'bert-base', outputs: 'HI', requestId: 'req_wire_1', batched: false });
    expect(client.findRequest('req_wire_1')?.providerRequestId).toBe('srv-1');
    await client.close();
  });

  it('maps every operation to its method, path and body', async () => {
    const client = createLlvm({ baseURL: server.origin, headers: { 'x-team': 'a' } });
    server.reply(
      { json: { models: [model, 'yolov5'] } },
      { json: model },
      { json: { model_id: 'a/b', outputs: [1], metadata: { precision: 'fp16' } } },
      { json: { model_id: 'a/b', results: [1, 2] } },
      { json: { output: 'hi\n', errors: [], execution_time: 0.25, exit_code: 0, result: 0 } },
      { json: { optimized_code: 'x', optimization_passes: ['mem2reg'], errors: [] } },
      { json: { status: 'ok', version: '1.0.0', models_loaded: 5 } },
      { json: model },
      { json: { model_id: 'bert-base', requests: 3, inferences: 4, batches: 1, errors: 0 } },
    );
    expect(await client.listModels()).toEqual([{ id: 'bert-base', status: 'loaded' }, { id: 'yolov5' }]);
    expect(await client.getModel('bert-base')).toEqual({ id: 'bert-base', status: 'loaded' });
    const parameters = { maxTokens: 5, topP: 0.5, precision: 'fp16' as const, providerOptions: { beam: 2 } };
    expect(await client.infer({ model: 'a/b', input: [1], parameters })).toMatchObject({
      modelId: 'a/b',
      outputs: [1],
      metadata: { precision: 'fp16' },
    });
    expect(await client.batchInfer({ model: 'a/b', inputs: ['x', 'y'] })).toMatchObject({ results: [1, 2] });
    expect(
      await client.execute({ code: 'int main(){}', language: 'c', timeoutMs: 1500, args: ['-v'] }),
    ).toMatchObject({ output: 'hi\n', errors: [], executionTimeMs: 250, exitCode: 0, result: 0 });
    expect(await client.optimize({ code: 'x', level: 'O3' })).toMatchObject({
      optimizedCode: 'x',
      passes: ['mem2reg'],
    });
    expect(await client.status()).toEqual({ status: 'ok', version: '1.0.0', modelsLoaded: 5 });
    expect(await client.reload({ model: 'bert-base', force: true })).toMatchObject({ id: 'bert-base' });
    expect(await client.statistics('bert-base')).toEqual({
      modelId: 'bert-base',
      requests: 3,
      inferences: 4,
      batches: 1,
      errors: 0,
    });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /models',
      'GET /models/bert-base',
      'POST /models/a%2Fb/infer',
      'POST /models/a%2Fb/batch_infer',
      'POST /execute',
      'POST /optimize',
      'GET /status',
      'POST /models/bert-base/reload',
      'GET /models/bert-base/statistics',
    ]);
    expect(server.requests.map((r) => r.json)).toEqual([
      undefined,
      undefined,
      { input: [1], parameters: { beam: 2, max_tokens: 5, top_p: 0.5, precision: 'fp16' } },
      { inputs: ['x', 'y'] },
      { input: 'int main(){}', parameters: { language: 'c', args: ['-v'], timeout: 1.5 } },
      { input: 'x', parameters: { optimization_level: 'O3' } },
      undefined,
      { force: true },
      undefined,
    ]);
    expect(server.requests.every((r) => r.headers['x-team'] === 'a')).toBe(true);
    expect(client.recentRequests(9).map((r) => r.operation)).toEqual([
      'statistics',
      'reload',
      'status',
      'optimize',
      'execute',
      'batch-infer',
      'infer',
      'get-model',
      'list-models',
    ]);
    await client.close();
  });

  it('refuses bad input before any network call', async () => {
    const client = createLlvm({ baseURL: server.origin });
    const bad: Array<() => Promise<unknown>> = [
      () => client.infer({ model: '', input: 'x' }),
      () => client.infer({ model: 'm', input: null }),
      () => client.infer({ model: 'm', input: 'x', parameters: { topP: 2 } }),
      () => client.infer({ model: 'm', input: 'x', parameters: { precision: 'fp64' as never } }),
      () => client.infer({ model: 'm', input: 'x' }, { priority: 'urgent' as never }),
      () => client.batchInfer({ model: 'm', inputs: [] }),
      () => client.execute({ code: '  ' }),
      () => client.optimize({ code: 'x', level: 'O9' as never }),
      () => client.reload({ model: 'm', force: 'yes' as never }),
      () => client.statistics(undefined as never),
    ];
    for (const call of bad) await expect(call()).rejects.toMatchObject({ name: 'InvalidRequestError' });
    expect(server.requests).toHaveLength(0);
    await client.close();
  });
});

describe('errors', () => {
  it('maps any status >= 400 with {error, code} by status, message and code', async () => {
    const client = createLlvm({ baseURL: server.origin, retry: { maxRetries: 0 } });
    const cases: Array<[number, string]> = [
      [400, 'InvalidRequestError'],
      [404, 'NotFoundError'],
      [409, 'ConflictError'],
      [422, 'InvalidRequestError'],
      [429, 'RateLimitError'],
      [500, 'ServerError'],
      [503, 'OverloadedError'],
    ];
    for (const [status, name] of cases) {
      server.reply({ status, json: { error: `failed ${status}`, code: `c${status}` } });
      await expect(client.getModel('m')).rejects.toMatchObject({
        name,
        status,
        message: expect.stringContaining(`failed ${status}`),
        providerCode: `c${status}`,
        provider: 'llvm',
      });
    }
    server.reply({ status: 502, body: '<html>bad gateway</html>', headers: { 'content-type': 'text/html' } });
    await expect(client.status()).rejects.toMatchObject({
      name: 'ServerError',
      message: expect.stringContaining('bad gateway'),
    });
    await client.close();
  });

  it('does not retry a 409 model_not_loaded, but retries another 409', async () => {
    const client = createLlvm({ baseURL: server.origin, retry: { maxRetries: 1, initialDelayMs: 0 } });
    server.reply(
      { status: 409, json: { error: "model 'm' is not loaded", code: 'model_not_loaded' } },
      { status: 409, json: { error: 'busy', code: 'conflict' } },
      { json: { model_id: 'm', outputs: 1 } },
    );
    await expect(client.infer({ model: 'm', input: 1 })).rejects.toMatchObject({
      name: 'ConflictError',
      retryable: false,
      providerCode: 'model_not_loaded',
    });
    expect(server.requests).toHaveLength(1);
    expect((await client.infer({ model: 'm', input: 1 })).outputs).toBe(1);
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it('a malformed answer is a ResponseFormatError, never a guessed value', async () => {
    const client = createLlvm({ baseURL: server.origin, retry: { maxRetries: 0 } });
    server.reply(
      { json: { model_id: 'm' } },
      { json: { results: [1] } },
      { json: { status: 'sleeping' } },
      { json: { model_id: 'm', status: 'weird' } },
    );
    await expect(client.infer({ model: 'm', input: 'x' })).rejects.toMatchObject({
      name: 'ResponseFormatError',
    });
    await expect(client.batchInfer({ model: 'm', inputs: [1, 2] })).rejects.toMatchObject({
      name: 'ResponseFormatError',
    });
    await expect(client.status()).rejects.toMatchObject({ name: 'ResponseFormatError' });
    await expect(client.getModel('m')).rejects.toMatchObject({ name: 'ResponseFormatError' });
    await client.close();
  });
});

describe('the client surface', () => {
  it('is the llvm provider with the control surface; close refuses new calls', async () => {
    const client = createLlvm({ baseURL: server.origin });
    expect(client.provider).toBe('llvm');
    expect(client.batching).toBe(false);
    server.reply({ json: { models: [] } });
    expect(await client.listModels()).toEqual([]);
    expect(client.stats().requests).toBe(1);
    client.resetStats();
    expect(client.stats().requests).toBe(0);
    await client.close();
    await expect(client.status()).rejects.toMatchObject({ name: 'InvalidRequestError' });
  });

  it('honours an aborted signal without a request', async () => {
    const client = createLlvm({ baseURL: server.origin });
    const controller = new AbortController();
    controller.abort();
    await expect(client.status({ signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(0);
    await client.close();
  });
});
