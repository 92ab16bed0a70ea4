import type { LoopbackExchange } from '@ipfs-accelerate/core/testing';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { splitIntoBatches } from './hf-tei-batches.js';
import { createHfTei, type HfTeiClient } from './hf-tei-client.js';
import { type FakeTei, startFakeTei, vectorOf } from './test/fake-tei.js';

let tei: FakeTei;
let client: HfTeiClient;
const texts = (n: number) => Array.from({ length: n }, (_, i) => `text number ${i}`);

beforeEach(async () => {
  for (const name of ['HF_TEI_BASE_URL', 'TEI_BASE_URL', 'HF_API_TOKEN', 'HF_API_KEY']) vi.stubEnv(name, '');
  tei = await startFakeTei(); // max_client_batch_size 3
  client = createHfTei({ baseURL: tei.baseURL, retry: { maxRetries: 0 } });
});

afterEach(async () => {
  await client.close();
  await tei.close();
  vi.unstubAllEnvs();
});

describe('splitIntoBatches', () => {
  it('cuts into consecutive slices of at most the size', () => {
    expect(splitIntoBatches([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(splitIntoBatches([1, 2], 5)).toEqual([[1, 2]]);
    expect(() => splitIntoBatches([1], 0)).toThrow(RangeError);
  });
});

describe('server-sized batches', () => {
  it('reads max_client_batch_size from /info once, splits, and reassembles in order', async () => {
    const inputs = texts(8);
    expect(await client.embed({ inputs })).toEqual(inputs.map(vectorOf));
    expect(await client.embed({ inputs: texts(4) })).toEqual(texts(4).map(vectorOf));
    const paths = tei.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/info')).toHaveLength(1);
    const sizes = tei.requests
      .filter((r) => r.path === '/embed')
      .map((r) => (r.json as { inputs: string[] }).inputs.length);
    expect(sizes.sort()).toEqual([1, 2, 3, 3, 3]);
    expect(client.stats().requests).toBe(1 + 5);
  });

  it('needs no /info for a single input', async () => {
    await client.embed({ inputs: 'one' });
    expect(tei.requests.map((r) => r.path)).toEqual(['/embed']);
  });

  it('shares one /info among concurrent first calls', async () => {
    await Promise.all([client.embed({ inputs: texts(4) }), client.embed({ inputs: texts(5) })]);
    expect(tei.requests.filter((r) => r.path === '/info')).toHaveLength(1);
  });

  it('uses the configured maxClientBatchSize without asking /info', async () => {
    const fixed = createHfTei({ baseURL: tei.baseURL, maxClientBatchSize: 2 });
    expect(await fixed.embed({ inputs: texts(5) })).toEqual(texts(5).map(vectorOf));
    expect(tei.requests.map((r) => r.path)).toEqual(['/embed', '/embed', '/embed']);
    await fixed.close();
  });

  it('runs batches under the queue concurrency limit', async () => {
    const limited = createHfTei({ baseURL: tei.baseURL, maxClientBatchSize: 1, queue: { concurrency: 2 } });
    const held: LoopbackExchange[] = [];
    tei.override((exchange) => {
      held.push(exchange);
      return true;
    });
    const pending = limited.embed({ inputs: texts(5) });
    await waitFor(() => held.length === 2, 'two batches in flight');
    expect(limited.lanes()[0]?.queue.size).toBe(3);
    tei.override(() => false);
    const answer = (e: LoopbackExchange) =>
      e.json(200, [vectorOf((JSON.parse(e.body.toString()) as { inputs: string[] }).inputs[0] as string)]);
    for (const exchange of held.splice(0)) answer(exchange);
    expect(await pending).toEqual(texts(5).map(vectorOf));
    expect(tei.requests).toHaveLength(5);
    await limited.close();
  });

  it('a failed batch fails the whole call with its typed error, and the others are aborted', async () => {
    const failing = createHfTei({ baseURL: tei.baseURL, maxClientBatchSize: 2, retry: { maxRetries: 0 } });
    const hung: LoopbackExchange[] = [];
    tei.override((exchange, request) => {
      const inputs = (request.json as { inputs: string[] }).inputs;
      if (inputs[0] === 'text number 2') {
        exchange.json(422, { error: 'Input validation error', error_type: 'Validation' });
      } else {
        hung.push(exchange); // never answered: only the abort ends them
      }
      return true;
    });
    const error = await failing.embed({ inputs: texts(6) }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'invalid_request',
      message: 'Input validation error',
      provider: 'hf-tei',
    });
    await waitFor(
      () => failing.recentRequests(5).filter((r) => r.outcome === 'aborted').length === 2,
      'siblings aborted',
    );
    expect(failing.lanes()[0]?.queue.pending).toBe(0);
    await failing.close();
  });

  it('gives each batch a distinct request id derived from the caller id', async () => {
    await client.embed({ inputs: texts(7) }, { requestId: 'job-42' });
    const ids = client
      .recentRequests(10)
      .map((r) => r.id)
      .filter((id) => id.startsWith('job-42'));
    expect(ids.sort()).toEqual(['job-42:0', 'job-42:1', 'job-42:2']);
  });

  it('rerank merges batches with indices into the whole list, best first', async () => {
    const documents = ['a', 'aaaaa', 'aa', 'aaaaaa', 'aaa'];
    const result = await client.rerank({ query: 'q', documents });
    expect(result.results.map((r) => r.index)).toEqual([3, 1, 4, 2, 0]);
    expect(tei.requests.filter((r) => r.path === '/rerank')).toHaveLength(2);
  });

  it('splits tokenize, embedSparse, embedAll and openaiEmbeddings too, summing usage', async () => {
    const inputs = texts(4);
    expect(await client.tokenize({ inputs })).toHaveLength(4);
    expect(await client.embedSparse({ inputs })).toHaveLength(4);
    expect(await client.embedAll({ inputs })).toHaveLength(4);
    const result = await client.openaiEmbeddings({ model: 'bge-small', input: inputs });
    expect(result.embeddings).toEqual(inputs.map(vectorOf));
    expect(result.usage).toMatchObject({ inputTokens: 8, totalTokens: 8 });
    const posts = tei.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(8);
  });
});
