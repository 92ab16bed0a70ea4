import { afterEach, describe, expect, it } from 'vitest';
import { startTeiEmulator, type TeiEmulator, type TeiEmulatorOptions } from './tei.js';

let emulator: TeiEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: TeiEmulatorOptions = {}): Promise<TeiEmulator> {
  emulator = await startTeiEmulator(options);
  return emulator;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator?.baseURL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
  };
}

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('TEI emulator', () => {
  it('serves /info and an empty 200 /health', async () => {
    const tei = await start({ maxClientBatchSize: 8 });
    const info = await (await fetch(`${tei.baseURL}/info`)).json();
    expect(info).toMatchObject({
      model_id: 'BAAI/bge-small-en-v1.5',
      model_type: { embedding: { pooling: 'cls' } },
      max_client_batch_size: 8,
      max_concurrent_requests: 512,
      version: '1.9.3',
    });
    const health = await fetch(`${tei.baseURL}/health`);
    expect([health.status, await health.text()]).toEqual([200, '']);
  });

  it('/embed: deterministic unit vectors, normalize, dimensions, compute headers', async () => {
    await start();
    const a = await post('/embed', { inputs: ['hello world', 'other'] });
    expect(a.status).toBe(200);
    expect(a.json).toHaveLength(2);
    expect(norm(a.json[0])).toBeCloseTo(1, 5);
    expect(a.json[0]).toHaveLength(16);
    expect(a.headers.get('x-compute-tokens')).toBe('7');
    expect((await post('/embed', { inputs: 'hello world' })).json).toEqual([a.json[0]]);
    const raw = await post('/embed', { inputs: 'hello world', normalize: false });
    expect(norm(raw.json[0])).toBeCloseTo(2, 5);
    const cut = await post('/embed', { inputs: 'hello world', dimensions: 4 });
    expect(cut.json[0]).toHaveLength(4);
    expect(norm(cut.json[0])).toBeCloseTo(1, 5);
    expect((await post('/embed', { inputs: 'x', dimensions: 17 })).status).toBe(413);
  });

  it('/embed: TEI validation errors with capitalised error types', async () => {
    await start({ maxClientBatchSize: 2, maxInputLength: 4 });
    expect(await post('/embed', { inputs: ['a', 'b', 'c'] })).toMatchObject({
      status: 413,
      json: { error: 'batch size 3 > maximum allowed batch size 2', error_type: 'Validation' },
    });
    expect(await post('/embed', { inputs: [] })).toMatchObject({
      status: 400,
      json: { error: 'Batch is empty', error_type: 'Empty' },
    });
    expect((await post('/embed', { inputs: 'one two three four' })).status).toBe(413);
    expect((await post('/embed', { inputs: 'one two three four', truncate: true })).status).toBe(200);
    expect((await post('/embed', { inputs: 'x', prompt_name: 'nope' })).json.error_type).toBe('Validation');
    expect((await post('/embed', { inputs: 'x', prompt_name: 'query' })).status).toBe(200);
    const bad = await post('/embed', { text: 'x' });
    expect([bad.status, bad.text]).toEqual([422, expect.stringContaining('missing field `inputs`')]);
    expect((await post('/embed', { inputs: 'x', truncation_direction: 'right' })).status).toBe(422);
  });

  it('/rerank: best first, texts on request, 424 on an embedding model', async () => {
    await start({ serveAllRoutes: true });
    const ranked = await post('/rerank', {
      query: 'deep learning',
      texts: ['bananas', 'deep learning is neural', 'learning'],
      return_text: true,
    });
    expect(ranked.json.map((r: { index: number }) => r.index)).toEqual([1, 2, 0]);
    expect(ranked.json[0]).toMatchObject({ text: 'deep learning is neural' });
    expect(ranked.json.every((r: { score: number }) => r.score > 0 && r.score < 1)).toBe(true);
    expect((await post('/rerank', { query: 'q', texts: [] })).status).toBe(413);
    await emulator?.close();
    await start();
    expect(await post('/rerank', { query: 'q', texts: ['a'] })).toMatchObject({
      status: 424,
      json: { error: 'model is not a re-ranker model', error_type: 'Backend' },
    });
  });

  it('/embed_sparse, /embed_all, /tokenize and /decode', async () => {
    await start({ serveAllRoutes: true });
    const sparse = await post('/embed_sparse', { inputs: 'a bb a' });
    expect(sparse.json[0]).toHaveLength(2);
    const all = await post('/embed_all', { inputs: ['a b'] });
    expect(all.json[0]).toHaveLength(4); // [CLS] a b [SEP]
    const tokens = await post('/tokenize', { inputs: 'hello there' });
    expect(tokens.json[0][1]).toMatchObject({ text: 'hello', special: false, start: 0, stop: 5 });
    expect(tokens.json[0][0]).toEqual({ id: 101, text: '[CLS]', special: true, start: null, stop: null });
    const ids = tokens.json[0].map((t: { id: number }) => t.id);
    expect((await post('/decode', { ids })).json).toEqual(['hello there']);
    expect((await post('/decode', { ids: [ids], skip_special_tokens: false })).json).toEqual([
      '[CLS] hello there [SEP]',
    ]);
  });

  it('/v1/embeddings: the OpenAI shape, and errors in the OpenAI-compat shape', async () => {
    await start({ maxClientBatchSize: 1 });
    const ok = await post('/v1/embeddings', { input: 'hi there', model: 'anything' });
    expect(ok.json).toMatchObject({
      object: 'list',
      data: [{ object: 'embedding', index: 0 }],
      model: 'BAAI/bge-small-en-v1.5',
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(await post('/v1/embeddings', { input: ['a', 'b'] })).toMatchObject({
      status: 413,
      json: { message: 'batch size 2 > maximum allowed batch size 1', code: 413, error_type: 'Validation' },
    });
  });

  it('--api-key: a wrong or missing key is a 401 with an empty body', async () => {
    await start({ apiKeys: ['tei-key'] });
    const missing = await post('/embed', { inputs: 'x' });
    expect([missing.status, missing.text]).toEqual([401, '']);
    expect((await post('/embed', { inputs: 'x' }, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post('/embed', { inputs: 'x' }, { authorization: 'Bearer tei-key' })).status).toBe(200);
  });

  it('concurrency limit: an immediate 429 Overloaded above it, off by default', async () => {
    const tei = await start({ concurrencyLimit: 2 });
    tei.script('POST /embed', [{ kind: 'hold' }, { kind: 'hold' }]);
    const held = [post('/embed', { inputs: 'a' }), post('/embed', { inputs: 'b' })];
    while (tei.held < 2) await new Promise((r) => setImmediate(r));
    const rejected = await post('/embed', { inputs: 'c' });
    expect(rejected).toMatchObject({
      status: 429,
      json: { error: 'Model is overloaded', error_type: 'Overloaded' },
    });
    expect(rejected.headers.get('retry-after')).toBeNull();
    expect((await fetch(`${tei.baseURL}/info`)).status).toBe(200); // /info takes no permit
    tei.release();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    expect((await post('/embed', { inputs: 'd' })).status).toBe(200);

    await tei.close();
    const unlimited = await start();
    unlimited.script(
      'POST /embed',
      Array.from({ length: 5 }, () => ({ kind: 'hold' as const })),
    );
    const many = Array.from({ length: 5 }, (_, i) => post('/embed', { inputs: `x${i}` }));
    while (unlimited.held < 5) await new Promise((r) => setImmediate(r));
    unlimited.release();
    expect((await Promise.all(many)).every((r) => r.status === 200)).toBe(true);
  });

  it('unknown paths 404 and wrong methods 405, empty bodies', async () => {
    const tei = await start();
    const missing = await fetch(`${tei.baseURL}/nope`);
    expect([missing.status, await missing.text()]).toEqual([404, '']);
    expect((await fetch(`${tei.baseURL}/embed`)).status).toBe(405);
  });
});
