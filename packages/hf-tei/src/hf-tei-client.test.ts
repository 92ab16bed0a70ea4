import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHfTei, type HfTeiClient } from './hf-tei-client.js';
import { type FakeTei, startFakeTei, vectorOf } from './test/fake-tei.js';

let tei: FakeTei;
let client: HfTeiClient;

beforeEach(async () => {
  for (const name of ['HF_TEI_BASE_URL', 'TEI_BASE_URL', 'HF_API_TOKEN', 'HF_API_KEY']) vi.stubEnv(name, '');
  tei = await startFakeTei();
  client = createHfTei({ baseURL: tei.baseURL, retry: { maxRetries: 0 }, maxClientBatchSize: 32 });
});

afterEach(async () => {
  await client.close();
  await tei.close();
  vi.unstubAllEnvs();
});

describe('embed', () => {
  it('posts inputs with the TEI field names and returns one vector per input', async () => {
    const vectors = await client.embed({
      inputs: ['a b', 'c'],
      normalize: false,
      truncate: true,
      truncationDirection: 'left',
      promptName: 'query',
      dimensions: 2,
    });
    expect(vectors).toEqual([vectorOf('a b'), vectorOf('c')]);
    expect(tei.requests).toHaveLength(1);
    expect(tei.requests[0]).toMatchObject({ method: 'POST', path: '/embed' });
    expect(tei.requests[0]?.json).toEqual({
      inputs: ['a b', 'c'],
      normalize: false,
      truncate: true,
      truncation_direction: 'Left',
      prompt_name: 'query',
      dimensions: 2,
    });
  });

  it('sends only the given fields, and a single text as a one-item list', async () => {
    expect(await client.embed({ inputs: 'hello' })).toEqual([vectorOf('hello')]);
    expect(tei.requests[0]?.json).toEqual({ inputs: ['hello'] });
    expect(client.recentRequests(1)[0]?.operation).toBe('embed');
  });

  it('refuses bad input before any network call', async () => {
    const bad: unknown[] = [
      { inputs: [] },
      { inputs: [1] },
      { inputs: 'x', normalize: 'yes' },
      { inputs: 'x', truncationDirection: 'up' },
      { inputs: 'x', dimensions: 0 },
      { inputs: 'x', promptName: '' },
      null,
    ];
    for (const request of bad) {
      await expect(client.embed(request as never)).rejects.toMatchObject({
        code: 'invalid_request',
        provider: 'hf-tei',
      });
    }
    expect(tei.requests).toHaveLength(0);
  });

  it('fails a wrong-length answer with a typed error', async () => {
    tei.override((exchange, request) => {
      if (request.path !== '/embed') return false;
      exchange.json(200, [[1, 2]]);
      return true;
    });
    await expect(client.embed({ inputs: ['a', 'b'] })).rejects.toMatchObject({ code: 'invalid_response' });
  });
});

describe('the other routes', () => {
  it('embedSparse and embedAll', async () => {
    expect(await client.embedSparse({ inputs: ['abc'], truncate: false })).toEqual([
      [{ index: 3, value: 0.5 }],
    ]);
    expect(tei.requests.at(-1)?.json).toEqual({ inputs: ['abc'], truncate: false });
    expect(await client.embedAll({ inputs: 'x y' })).toEqual([[vectorOf('x'), vectorOf('y')]]);
    expect(tei.requests.map((r) => r.path)).toEqual(['/embed_sparse', '/embed_all']);
  });

  it('rerank: best first with indices, optional texts and topN', async () => {
    const result = await client.rerank({
      query: 'q',
      documents: ['aa', 'aaaa', 'a'],
      returnDocuments: true,
      rawScores: false,
      topN: 2,
    });
    expect(result.results).toEqual([
      { index: 1, score: 0.04, document: 'aaaa' },
      { index: 0, score: 0.02, document: 'aa' },
    ]);
    expect(result.requestId).toMatch(/^req_/);
    expect(tei.requests[0]?.json).toEqual({
      query: 'q',
      texts: ['aa', 'aaaa', 'a'],
      raw_scores: false,
      return_text: true,
    });
    await expect(client.rerank({ query: '', documents: ['a'] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(client.rerank({ query: 'q', documents: [] })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('tokenize and decode', async () => {
    const tokens = await client.tokenize({ inputs: 'hey', addSpecialTokens: true, promptName: 'query' });
    expect(tokens).toEqual([
      [
        { id: 101, text: '[CLS]', special: true },
        { id: 3, text: 'hey', special: false, start: 0, stop: 3 },
      ],
    ]);
    expect(tei.requests[0]?.json).toEqual({
      inputs: ['hey'],
      add_special_tokens: true,
      prompt_name: 'query',
    });
    expect(await client.decode({ ids: [1, 2], skipSpecialTokens: false })).toEqual(['1-2']);
    expect(tei.requests[1]?.json).toEqual({ ids: [[1, 2]], skip_special_tokens: false });
    expect(await client.decode({ ids: [[1], [2, 3]] })).toEqual(['1', '2-3']);
    await expect(client.decode({ ids: [-1] })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('info in camelCase', async () => {
    const info = await client.info();
    expect(info).toMatchObject({
      modelId: 'BAAI/bge-small-en-v1.5',
      modelType: 'embedding',
      pooling: 'cls',
      maxClientBatchSize: 3,
      maxConcurrentRequests: 512,
      servedModelName: 'bge-small',
      version: '1.9.3',
    });
    expect(info).not.toHaveProperty('modelSha');
  });

  it('health: true on 200, false on 503 Unhealthy, never retried', async () => {
    expect(await client.health()).toBe(true);
    tei.override((exchange, request) => {
      if (request.path !== '/health') return false;
      exchange.json(503, { error: 'unhealthy', error_type: 'Unhealthy' });
      return true;
    });
    const retrying = createHfTei({ baseURL: tei.baseURL });
    expect(await retrying.health()).toBe(false);
    expect(tei.requests.filter((r) => r.path === '/health')).toHaveLength(2);
    await retrying.close();
  });

  it('openaiEmbeddings: the OpenAI route with usage, model optional', async () => {
    const result = await client.openaiEmbeddings({ model: '', input: ['a', 'bb'] });
    expect(result.embeddings).toEqual([vectorOf('a'), vectorOf('bb')]);
    expect(result.usage).toMatchObject({ inputTokens: 4, totalTokens: 4 });
    expect(result.model).toBe('bge-small');
    expect(tei.requests[0]).toMatchObject({
      path: '/v1/embeddings',
      json: { input: ['a', 'bb'], encoding_format: 'float' },
    });
    expect(tei.requests[0]?.json).not.toHaveProperty('model');
  });
});

describe('configuration and secrets', () => {
  it('reads HF_TEI_BASE_URL, then TEI_BASE_URL, and the key from HF_API_TOKEN / HF_API_KEY as Bearer', async () => {
    vi.stubEnv('TEI_BASE_URL', tei.baseURL);
    vi.stubEnv('HF_API_KEY', 'hf_secret_key_123');
    const fromEnv = createHfTei({ retry: { maxRetries: 0 } });
    expect(fromEnv.endpoints()[0]?.baseURL).toBe(tei.baseURL);
    await fromEnv.embed({ inputs: 'x' });
    expect(tei.requests[0]?.headers.authorization).toBe('Bearer hf_secret_key_123');
    await fromEnv.close();
    vi.stubEnv('HF_TEI_BASE_URL', 'http://127.0.0.1:1');
    expect(createHfTei().endpoints()[0]?.baseURL).toBe('http://127.0.0.1:1');
  });

  it('defaults to http://127.0.0.1:8080 and sends no authorization without a key', async () => {
    expect(createHfTei().endpoints()[0]?.baseURL).toBe('http://127.0.0.1:8080');
    await client.embed({ inputs: 'x' });
    expect(tei.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('never shows the key in inspect, JSON or an error', async () => {
    const key = 'hf_very_secret_token_value';
    const keyed = createHfTei({ baseURL: tei.baseURL, apiKey: key, retry: { maxRetries: 0 } });
    tei.override((exchange) => {
      exchange.json(401, { error: `bad key ${key}`, error_type: 'Validation' });
      return true;
    });
    const error = await keyed.embed({ inputs: 'x' }).catch((e: unknown) => e as Error);
    expect(error).toMatchObject({ code: 'authentication_failed' });
    expect(`${inspect(error)} ${JSON.stringify(error)} ${(error as Error).message}`).not.toContain(key);
    expect(inspect(keyed, { depth: 10 })).not.toContain(key);
    expect(JSON.stringify(keyed)).not.toContain(key);
    await keyed.close();
  });

  it('refuses bad options at construction', () => {
    expect(() => createHfTei({ maxClientBatchSize: 0 })).toThrow(/maxClientBatchSize/);
    expect(() => createHfTei({ headers: { a: 1 as unknown as string } })).toThrow(/header a/);
    expect(() => createHfTei({ batching: { maxSize: 0 } })).toThrow(/maxSize/);
  });
});
