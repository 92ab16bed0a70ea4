import { FakeClock } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { createHfTei } from '@ipfs-accelerate/hf-tei';
import { afterEach, describe, expect, it } from 'vitest';
import { startTeiEmulator, type TeiEmulator, type TeiEmulatorOptions } from './tei.js';

// Our client against the emulator: the limits and the immediate 429 of a real server, end to end.
let emulator: TeiEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});
async function start(options: TeiEmulatorOptions): Promise<TeiEmulator> {
  emulator = await startTeiEmulator(options);
  return emulator;
}

describe('hf-tei client against the TEI emulator', () => {
  it('splits 70 inputs by the server max_client_batch_size (32) and keeps their order', async () => {
    const tei = await start({ serveAllRoutes: true });
    const client = createHfTei({ baseURL: tei.baseURL });
    const inputs = Array.from({ length: 70 }, (_, i) => `input ${i}`);
    const vectors = await client.embed({ inputs });
    const singles = await Promise.all(inputs.slice(-3).map((text) => client.embed({ inputs: text })));
    expect(vectors.slice(-3)).toEqual(singles.map((s) => s[0]));
    const sizes = tei.requests
      .filter((r) => r.path === '/embed')
      .map((r) => (r.json as { inputs: string[] }).inputs.length);
    expect(sizes.slice(0, 3).sort()).toEqual([32, 32, 6]);
    expect(tei.requests.filter((r) => r.path === '/info')).toHaveLength(1);
    const ranked = await client.rerank({ query: 'input 5', documents: inputs });
    expect(ranked.results).toHaveLength(70);
    expect(ranked.results[0]?.index).toBe(5);
    await client.close();
  });

  it('a client limit above the server concurrency limit meets TEI 429s and retries them with backoff', async () => {
    const tei = await start({ concurrencyLimit: 1 });
    const clock = new FakeClock();
    const client = createHfTei({
      baseURL: tei.baseURL,
      clock,
      queue: { concurrency: 2 },
      retry: { maxRetries: 3, jitter: 'none', initialDelayMs: 100 },
    });
    tei.script('POST /embed', [{ kind: 'hold' }]);
    const first = client.embed({ inputs: 'first' });
    await waitFor(() => tei.held === 1, 'the first request held');
    const second = client.embed({ inputs: 'second' });
    // The server refuses the second at once (429 Overloaded); the client sleeps its backoff, then retries.
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the client sleeping before its retry');
    expect(tei.requests).toHaveLength(2);
    tei.release();
    await first;
    await clock.advance(100);
    expect(await second).toHaveLength(1);
    const record = client.recentRequests(2).find((r) => r.attempts.length === 2);
    expect(record?.attempts.map((a) => a.errorCode ?? null)).toEqual(['rate_limited', null]);
    expect(client.lanes()[0]?.breaker.state).toBe('closed');
    await client.close();
  });

  it('every route works through the client, with typed errors', async () => {
    const tei = await start({ serveAllRoutes: true, apiKeys: ['k'] });
    const client = createHfTei({ baseURL: tei.baseURL, apiKey: 'k', retry: { maxRetries: 0 } });
    expect((await client.info()).maxClientBatchSize).toBe(32);
    expect(await client.health()).toBe(true);
    expect(await client.embedSparse({ inputs: 'a b' })).toHaveLength(1);
    expect((await client.embedAll({ inputs: 'a b' }))[0]).toHaveLength(4);
    const tokens = await client.tokenize({ inputs: 'hello world' });
    expect(await client.decode({ ids: tokens[0]?.map((t) => t.id) ?? [] })).toEqual(['hello world']);
    const openai = await client.openaiEmbeddings({ model: '', input: ['a', 'b'] });
    expect(openai.embeddings).toEqual(await client.embed({ inputs: ['a', 'b'] }));
    await expect(client.embed({ inputs: 'x', promptName: 'missing' })).rejects.toMatchObject({
      code: 'invalid_request',
      status: 413,
      providerCode: 'validation',
    });
    tei.script('GET /health', [{ kind: 'error', status: 503 }]);
    expect(await client.health()).toBe(false);
    await client.close();
    const wrongModel = await start({ modelType: 'embedding' });
    const plain = createHfTei({ baseURL: wrongModel.baseURL, retry: { maxRetries: 0 } });
    await expect(plain.rerank({ query: 'q', documents: ['a'] })).rejects.toMatchObject({
      code: 'invalid_request',
      status: 424,
    });
    await plain.close();
  });
});
