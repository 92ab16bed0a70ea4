import { FakeClock } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { llvmBatchKey, llvmBatchOptions } from './llvm-batching.js';
import { createLlvm } from './llvm-client.js';

let server: ScriptedServer;
let clock: FakeClock;

beforeEach(async () => {
  for (const name of ['LLVM_BATCH_SIZE', 'LLVM_BATCH_TIMEOUT', 'LLVM_API_KEY']) vi.stubEnv(name, '');
  server = await startScriptedServer();
  clock = new FakeClock();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

const settled = <T>(promise: Promise<T>) => {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
};

describe('automatic batching of infer', () => {
  it('sends a lone infer after exactly maxWaitMs, as a batch of one', async () => {
    const client = createLlvm({ baseURL: server.origin, clock, batching: { maxSize: 10, maxWaitMs: 500 } });
    expect(client.batching).toBe(true);
    server.reply({ json: { model_id: 'bert-base', results: ['HELLO'] } });
    const call = settled(client.infer({ model: 'bert-base', input: 'hello' }));
    await clock.advance(499);
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.requests).toHaveLength(0);
    expect(call.done).toBe(false);
    await clock.advance(1);
    await waitFor(() => call.done, 'the lone infer to complete');
    expect(call.value).toMatchObject({ modelId: 'bert-base', outputs: 'HELLO', batched: true });
    expect(call.value?.requestId).toMatch(/^req_/);
    expect(server.requests.map((r) => [r.url, r.json])).toEqual([
      ['/models/bert-base/batch_infer', { inputs: ['hello'] }],
    ]);
    await client.close();
  });

  it('sends a full batch at once and fans the results back out in order', async () => {
    const client = createLlvm({ baseURL: server.origin, clock, batching: { maxSize: 3, maxWaitMs: 500 } });
    server.reply({ json: { model_id: 'm', results: ['A', 'B', 'C'] } });
    const calls = ['a', 'b', 'c'].map((input) => client.infer({ model: 'm', input }));
    const results = await Promise.all(calls);
    expect(results.map((r) => r.outputs)).toEqual(['A', 'B', 'C']);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(client.recentRequests(1)[0]?.operation).toBe('batch-infer');
    await client.close();
  });

  it('keeps models and parameter sets in separate batches', async () => {
    const client = createLlvm({ baseURL: server.origin, clock, batching: { maxSize: 10, maxWaitMs: 50 } });
    server.reply(
      { json: { results: ['1', '2'] } },
      { json: { results: ['3'] } },
      { json: { results: ['4'] } },
    );
    const calls = [
      client.infer({ model: 'm', input: 1 }),
      client.infer({ model: 'm', input: 2 }),
      client.infer({ model: 'm', input: 3, parameters: { temperature: 0.5 } }),
      client.infer({ model: 'n', input: 4 }),
    ];
    await clock.advance(50);
    await Promise.all(calls);
    const bodies = server.requests.map((r) => `${r.url} ${JSON.stringify(r.json)}`).sort();
    expect(bodies).toEqual([
      '/models/m/batch_infer {"inputs":[1,2]}',
      '/models/m/batch_infer {"inputs":[3],"parameters":{"temperature":0.5}}',
      '/models/n/batch_infer {"inputs":[4]}',
    ]);
    await client.close();
  });

  it('an aborted item leaves its batch before it is sent', async () => {
    const client = createLlvm({ baseURL: server.origin, clock, batching: { maxSize: 10, maxWaitMs: 100 } });
    server.reply({ json: { results: ['KEPT'] } });
    const controller = new AbortController();
    const withdrawn = client.infer({ model: 'm', input: 'gone' }, { signal: controller.signal });
    const kept = client.infer({ model: 'm', input: 'kept' });
    controller.abort();
    await expect(withdrawn).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(100);
    expect((await kept).outputs).toBe('KEPT');
    expect(server.requests[0]?.json).toEqual({ inputs: ['kept'] });
    await client.close();
  });

  it('fails every item of a batch the server fails, and a short answer as a ResponseFormatError', async () => {
    const client = createLlvm({
      baseURL: server.origin,
      clock,
      retry: { maxRetries: 0 },
      batching: { maxSize: 2, maxWaitMs: 10 },
    });
    server.reply(
      { status: 404, json: { error: "model 'm' not found", code: 'model_not_found' } },
      { json: { results: ['only one'] } },
    );
    const failed = [client.infer({ model: 'm', input: 1 }), client.infer({ model: 'm', input: 2 })];
    for (const call of failed) await expect(call).rejects.toMatchObject({ name: 'NotFoundError' });
    const short = [client.infer({ model: 'm', input: 1 }), client.infer({ model: 'm', input: 2 })];
    for (const call of short) await expect(call).rejects.toMatchObject({ name: 'ResponseFormatError' });
    await client.close();
  });

  it('close sends what is pending and waits for it', async () => {
    const client = createLlvm({
      baseURL: server.origin,
      clock,
      batching: { maxSize: 10, maxWaitMs: 60_000 },
    });
    server.reply({ json: { results: ['X'] } });
    const call = client.infer({ model: 'm', input: 'x' });
    await client.close();
    expect((await call).outputs).toBe('X');
    await expect(client.infer({ model: 'm', input: 'y' })).rejects.toMatchObject({
      name: 'InvalidRequestError',
    });
  });

  it('refuses bad request options before batching', async () => {
    const client = createLlvm({ baseURL: server.origin, clock, batching: true });
    await expect(client.infer({ model: 'm', input: 'x' }, { deadlineMs: -1 })).rejects.toMatchObject({
      name: 'InvalidRequestError',
    });
    await client.close();
    expect(server.requests).toHaveLength(0);
  });
});

describe('batch options and keys', () => {
  const item = (options?: object, parameters?: Record<string, unknown>) => ({
    model: 'm',
    input: 1,
    parameters,
    options,
  });

  it('takes the most urgent priority and the longest deadline only when every item has one', () => {
    const signal = new AbortController().signal;
    expect(llvmBatchOptions([item({ priority: 'low' }), item()], signal)).toEqual({
      priority: 'normal',
      signal,
    });
    expect(
      llvmBatchOptions([item({ priority: 'high', deadlineMs: 10 }), item({ deadlineMs: 30 })], signal),
    ).toEqual({ priority: 'high', signal, deadlineMs: 30 });
    expect(llvmBatchOptions([item({ timeoutMs: 10 }), item()], signal)).toEqual({
      priority: 'normal',
      signal,
    });
  });

  it('keys by model and parameters', () => {
    expect(llvmBatchKey(item())).toBe(llvmBatchKey(item()));
    expect(llvmBatchKey(item(undefined, { a: 1 }))).not.toBe(llvmBatchKey(item()));
    expect(llvmBatchKey({ ...item(), model: 'n' })).not.toBe(llvmBatchKey(item()));
  });
});
