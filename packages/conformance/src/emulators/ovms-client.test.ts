import { inspect } from 'node:util';
import type { ChatStreamEvent } from '@ipfs-accelerate/core';
import { createOvms, type OvmsClient } from '@ipfs-accelerate/ovms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OvmsEmulator, startOvmsEmulator } from './ovms.js';

// This repository's OVMS client against the emulator: the pair must agree on the wire.
const KEY = 'ovms-emulator-key-5b8e21';
let emulator: OvmsEmulator;
let client: OvmsClient;
beforeEach(async () => {
  emulator = await startOvmsEmulator({ apiKeys: [KEY] });
  client = createOvms({
    baseURL: emulator.origin,
    apiKey: KEY,
    model: 'dummy',
    retry: { maxRetries: 1, initialDelayMs: 0, jitter: 'none' },
  });
});
afterEach(async () => {
  await client.close();
  await emulator.close();
});

const chatModel = 'OpenVINO/Qwen3-8B-int4-ov';
const collect = async <E>(stream: AsyncIterable<E>): Promise<E[]> => {
  const events: E[] = [];
  for await (const event of stream) events.push(event);
  return events;
};
const textOf = (events: readonly ChatStreamEvent[]) =>
  events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
const b = Array.from({ length: 10 }, (_, i) => i / 2);

describe('@ipfs-accelerate/ovms against the emulator', () => {
  it('KServe: probes, metadata and inference on the default model', async () => {
    expect([await client.serverLive(), await client.serverReady(), await client.modelReady()]).toEqual([
      true,
      true,
      true,
    ]);
    expect((await client.serverMetadata()).name).toBe('OpenVINO Model Server');
    expect((await client.modelMetadata()).inputs).toEqual([{ name: 'b', datatype: 'FP32', shape: [1, 10] }]);
    const result = await client.infer({
      model: '',
      inputs: [{ name: 'b', datatype: 'FP32', shape: [1, 10], data: b }],
    });
    expect(result).toMatchObject({ model: 'dummy', version: '1' });
    expect(result.outputs[0]?.data).toEqual(b.map((x) => x + 1));
    await expect(client.modelReady({ model: 'nope' })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(client.modelMetadata({ version: 3 })).rejects.toMatchObject({
      providerCode: 'version_not_found',
    });
  });

  it('KServe: the server refuses what our validation cannot know (the model expects FP32 [1,10])', async () => {
    const error = await client
      .infer({
        inputs: [{ name: 'b', datatype: 'INT32', shape: [1, 10], data: b.map(Math.round) }],
        model: '',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InvalidRequestError',
      status: 400,
      providerCode: 'invalid_precision',
    });
    expect(emulator.requests).toHaveLength(1);
  });

  it('not ready: probes answer false, inference is retried as overloaded then fails', async () => {
    emulator.setModelLoading('dummy', true);
    expect(await client.modelReady()).toBe(false);
    expect(await client.serverReady()).toBe(true);
    const input = { name: 'b', datatype: 'FP32' as const, shape: [1, 10], data: b };
    await expect(client.infer({ model: 'dummy', inputs: [input] })).rejects.toMatchObject({
      name: 'OverloadedError',
      retryable: true,
      attempts: 2,
    });
    emulator.setModelLoading('dummy', false);
    emulator.setReady(false);
    expect(await client.serverReady()).toBe(false);
  });

  it('/v3: chat, stream, completions, embeddings, rerank with the key', async () => {
    const messages = [{ role: 'user' as const, content: 'hello ovms' }];
    expect((await client.chat({ model: chatModel, messages })).text).toBe('Echo: hello ovms');
    const events = await collect(client.streamChat({ model: chatModel, messages }));
    expect(textOf(events)).toBe('Echo: hello ovms');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { outputTokens: 3 } });
    expect((await client.completions({ model: chatModel, prompt: 'x y' })).text).toBe('Echo: x y');
    const { embeddings } = await client.embed({
      model: 'OpenVINO/bge-base-en-v1.5-fp16-ov',
      input: ['a', 'b'],
    });
    expect(embeddings).toHaveLength(2);
    const ranked = await client.rerank({
      model: 'OpenVINO/bge-reranker-base-fp16-ov',
      query: 'dogs',
      documents: ['cats', 'dogs bark'],
      returnDocuments: true,
    });
    expect(ranked.results[0]).toMatchObject({ index: 1, document: 'dogs bark' });
    expect(emulator.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('/v3 stream: the bare error line is retried before content and a StreamError after', async () => {
    const request = { model: chatModel, messages: [{ role: 'user' as const, content: 'a b c d' }] };
    emulator.script('POST /v3/chat/completions', [{ kind: 'stream-error', afterEvents: 0 }]);
    expect(textOf(await collect(client.streamChat(request)))).toBe('Echo: a b c d');
    emulator.script('POST /v3/chat/completions', [{ kind: 'stream-error', afterEvents: 2, message: 'boom' }]);
    await expect(collect(client.streamChat(request))).rejects.toMatchObject({ code: 'stream_error' });
    expect(emulator.requests).toHaveLength(3);
  });

  it('/v1: predict (rows and columns), status and TF metadata', async () => {
    expect((await client.predict({ instances: [b] })).predictions).toEqual([b.map((x) => x + 1)]);
    expect(
      (await client.predict({ model: 'double', version: 2, inputs: { input: [[1, 2]] } })).outputs,
    ).toEqual([[2, 4]]);
    // The seed's test call names its input `data`; a real dummy model has `b`, so OVMS refuses it.
    await expect(client.predict({ instances: [{ data: [1, 2, 3, 4] }] })).rejects.toMatchObject({
      name: 'InvalidRequestError',
      providerCode: 'invalid_inputs',
    });
    expect(await client.modelStatus({ model: 'double', version: 1 })).toEqual([
      { version: '1', state: 'AVAILABLE', errorCode: 'OK', errorMessage: '' },
    ]);
    const metadata = await client.tfsModelMetadata();
    expect(metadata.signatures.serving_default?.inputs).toEqual([
      { key: 'b', name: 'b', dtype: 'DT_FLOAT', shape: [1, 10] },
    ]);
  });

  it('never shows the key', async () => {
    expect(inspect(client, { depth: 10 })).not.toContain(KEY);
    expect(JSON.stringify(client)).not.toContain(KEY);
  });
});
