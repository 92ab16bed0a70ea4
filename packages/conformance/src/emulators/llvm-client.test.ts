import { FakeClock } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { createLlvm } from '@ipfs-accelerate/llvm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LlvmEmulator, startLlvmEmulator } from './llvm.js';

const KEY = 'llvm-client-key';
let emulator: LlvmEmulator;

beforeEach(async () => {
  emulator = await startLlvmEmulator({ apiKeys: [KEY], unloaded: ['yolov5'] });
});
afterEach(async () => {
  await emulator.close();
});

describe('@ipfs-accelerate/llvm against the reference server', () => {
  it('runs every operation of the contract', async () => {
    // No retries: nothing here may sleep in real time.
    const client = createLlvm({ baseURL: emulator.baseURL, apiKey: KEY, retry: { maxRetries: 0 } });
    expect((await client.listModels()).map((m) => m.id)).toContain('bert-base');
    expect(await client.getModel('yolov5')).toMatchObject({
      id: 'yolov5',
      status: 'unloaded',
      type: 'vision',
    });
    await expect(client.infer({ model: 'yolov5', input: [1] })).rejects.toMatchObject({
      name: 'ConflictError',
      providerCode: 'model_not_loaded',
    });
    expect(await client.reload('yolov5')).toMatchObject({ status: 'loaded' });
    expect(await client.infer({ model: 'yolov5', input: [1, 2] })).toMatchObject({
      modelId: 'yolov5',
      outputs: [2, 4],
      metadata: { precision: 'fp32', batch_size: 1 },
      batched: false,
    });
    expect((await client.batchInfer({ model: 'yolov5', inputs: ['a', 'b'] })).results).toEqual(['A', 'B']);
    expect(await client.statistics('yolov5')).toMatchObject({
      requests: 2,
      inferences: 3,
      batches: 1,
      errors: 0,
    });
    expect(await client.execute({ code: 'int main() { puts("hi"); return 0; }' })).toMatchObject({
      output: 'hi\n',
      errors: [],
      exitCode: 0,
      executionTimeMs: 1,
    });
    expect(await client.optimize({ code: 'f(); // c', level: 'O1' })).toMatchObject({
      optimizedCode: 'f();',
      passes: ['mem2reg', 'instcombine', 'simplifycfg'],
    });
    expect(await client.status()).toMatchObject({ status: 'ok', version: '1.0.0', modelsLoaded: 5 });
    await expect(client.getModel('nope')).rejects.toMatchObject({
      name: 'NotFoundError',
      providerCode: 'model_not_found',
    });
    await client.close();
  });

  it('records the echoed X-Request-ID and retries a 503 after its retry-after', async () => {
    const clock = new FakeClock();
    const client = createLlvm({ baseURL: emulator.baseURL, apiKey: KEY, clock, retry: { jitter: 'none' } });
    emulator.script('POST /models/bert-base/infer', [
      { kind: 'error', status: 503, headers: { 'retry-after': '2' } },
    ]);
    const pending = client.infer({ model: 'bert-base', input: 'retry' }, { requestId: 'req_llvm_retry' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 2000, 'the retry sleep');
    await clock.advance(2000);
    expect((await pending).outputs).toBe('RETRY');
    const record = client.findRequest('req_llvm_retry');
    expect(record?.providerRequestId).toBe('req_llvm_retry');
    expect(record?.attempts.map((a) => [a.status, a.delaySource])).toEqual([
      [503, 'none'],
      [200, 'retry-after'],
    ]);
    expect(emulator.requests.map((r) => r.headers['x-request-id'])).toEqual([
      'req_llvm_retry',
      'req_llvm_retry',
    ]);
    await client.close();
  });

  it('batches infer calls: a lone call goes out after exactly maxWaitMs, a full batch at once', async () => {
    const clock = new FakeClock();
    const client = createLlvm({
      baseURL: emulator.baseURL,
      apiKey: KEY,
      clock,
      batching: { maxSize: 3, maxWaitMs: 250 },
    });
    let lone: unknown;
    const pending = client.infer({ model: 'bert-base', input: 'alone' }).then((r) => {
      lone = r;
    });
    await clock.advance(249);
    await new Promise((resolve) => setImmediate(resolve));
    expect(emulator.requests).toHaveLength(0);
    await clock.advance(1);
    await pending;
    expect(lone).toMatchObject({ outputs: 'ALONE', batched: true });
    const full = await Promise.all(
      ['a', 'b', 'c'].map((input) => client.infer({ model: 'bert-base', input })),
    );
    expect(full.map((r) => r.outputs)).toEqual(['A', 'B', 'C']);
    expect(emulator.requests.map((r) => [r.path, r.json])).toEqual([
      ['/models/bert-base/batch_infer', { inputs: ['alone'] }],
      ['/models/bert-base/batch_infer', { inputs: ['a', 'b', 'c'] }],
    ]);
    expect(await client.statistics('bert-base')).toMatchObject({ requests: 2, inferences: 4, batches: 2 });
    await client.close();
  });

  it('a wrong key is an AuthenticationError and is never retried', async () => {
    const client = createLlvm({ baseURL: emulator.baseURL, apiKey: 'not-the-key' });
    await expect(client.status()).rejects.toMatchObject({
      name: 'AuthenticationError',
      providerCode: 'unauthorized',
    });
    expect(emulator.requests).toHaveLength(1);
    await client.close();
  });
});
