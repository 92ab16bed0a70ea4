import { describe, expect, it } from 'vitest';
import { startOllamaEmulator } from './ollama.js';
import { embeddingOf } from './ollama-shapes.js';
import { type Json, json, lines, useOllamaEmulator, user } from './ollama-test-harness.js';

const harness = useOllamaEmulator();
const { send, post } = harness;

describe('embeddings', () => {
  it('POST /api/embed: unit vectors of 8 values or `dimensions`, one per input', async () => {
    const reply = await json(post('/api/embed', { model: 'all-minilm', input: ['first text', 'second'] }));
    const vectors = reply.embeddings as number[][];
    expect(vectors).toHaveLength(2);
    for (const vector of vectors) {
      expect(vector).toHaveLength(8);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    expect(vectors[0]).toEqual(embeddingOf('first text', 8));
    expect(vectors[0]).not.toEqual(vectors[1]);
    expect(reply).toMatchObject({ model: 'all-minilm', prompt_eval_count: 3, load_duration: 1_000_000 });
    const small = await json(post('/api/embed', { model: 'all-minilm', input: 'x', dimensions: 4 }));
    expect((small.embeddings as number[][])[0]).toHaveLength(4);
    expect(await json(post('/api/embed', { model: 'all-minilm', input: [] }))).toEqual({
      model: 'all-minilm',
      embeddings: [],
    });
  });

  it.each([
    [{ input: 'x' }, 400, 'model is required'],
    [{ model: 'all-minilm', input: [1] }, 400, 'invalid input type'],
    [
      { model: 'all-minilm', input: 'x', dimensions: 1.5 },
      400,
      'json: cannot unmarshal number 1.5 into Go struct field EmbedRequest.dimensions of type int',
    ],
    [{ model: 'bert', input: 'x' }, 404, 'model "bert" not found, try pulling it first'],
  ])('embed %j -> %i', async (body, status, message) => {
    const response = await post('/api/embed', body);
    expect([response.status, await response.json()]).toEqual([status, { error: message }]);
  });

  it('legacy POST /api/embeddings: {embedding}', async () => {
    const reply = await json(post('/api/embeddings', { model: 'all-minilm', prompt: 'hello' }));
    expect(reply).toEqual({ embedding: embeddingOf('hello', 8) });
    expect(await json(post('/api/embeddings', { model: 'all-minilm', prompt: '' }))).toEqual({
      embedding: [],
    });
  });
});

describe('models', () => {
  it('GET /api/tags, POST /api/show (404 unknown), GET /api/version, GET /', async () => {
    const tags = (await json(send('GET', '/api/tags'))).models as Json[];
    expect(tags.map((tag) => tag.name)).toEqual(['llama3.2:latest', 'all-minilm:latest']);
    expect(tags[0]).toMatchObject({ model: 'llama3.2:latest', details: { format: 'gguf', family: 'llama' } });
    expect(tags[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
    const show = await json(post('/api/show', { model: 'all-minilm' }));
    expect(show).toMatchObject({ capabilities: ['embedding'], details: { family: 'bert' } });
    const missing = await post('/api/show', { model: 'nope' });
    expect([missing.status, await missing.json()]).toEqual([404, { error: "model 'nope' not found" }]);
    expect(await json(send('GET', '/api/version'))).toEqual({ version: '0.12.6' });
    expect(await (await send('GET', '/')).text()).toBe('Ollama is running');
  });

  it('GET /api/ps lists the models used, with expiry from keep_alive', async () => {
    expect(await json(send('GET', '/api/ps'))).toEqual({ models: [] });
    await post('/api/embed', { model: 'all-minilm', input: 'x', keep_alive: '10m' });
    await post('/api/chat', { ...user('hi'), stream: false });
    const models = (await json(send('GET', '/api/ps'))).models as Json[];
    expect(models.map((model) => model.name)).toEqual(['all-minilm:latest', 'llama3.2:latest']);
    expect(models[1]).toMatchObject({ context_length: 4096, details: { family: 'llama' } });
  });

  it('POST /api/pull: NDJSON progress to success; an unknown name joins the list; DELETE /api/delete', async () => {
    const progress = await lines(post('/api/pull', { model: 'qwen3:0.6b' }));
    expect(progress.map((line) => line.status)).toEqual([
      'pulling manifest',
      expect.stringMatching(/^pulling [0-9a-f]{12}$/),
      expect.stringMatching(/^pulling /),
      expect.stringMatching(/^pulling /),
      'verifying sha256 digest',
      'writing manifest',
      'success',
    ]);
    expect(progress[1]).not.toHaveProperty('completed');
    expect(progress[3]?.completed).toBe(progress[3]?.total);
    expect(harness.emulator.models).toEqual(['llama3.2', 'all-minilm', 'qwen3:0.6b']);
    expect(((await json(send('GET', '/api/tags'))).models as Json[])[0]?.name).toBe('qwen3:0.6b');
    expect(await json(post('/api/pull', { name: 'llama3.2', stream: false }))).toEqual({ status: 'success' });
    expect((await post('/api/pull', {})).status).toBe(400);
    expect((await send('DELETE', '/api/delete', { model: 'qwen3:0.6b' })).status).toBe(200);
    expect(harness.emulator.models).toEqual(['llama3.2', 'all-minilm']);
    expect((await send('DELETE', '/api/delete', { model: 'qwen3:0.6b' })).status).toBe(404);
  });

  it('unknown paths: gin plain-text 404 / 405; configured models replace the defaults', async () => {
    const missing = await send('GET', '/api/nothing');
    expect([missing.status, await missing.text()]).toEqual([404, '404 page not found']);
    expect((await send('GET', '/api/chat')).status).toBe(405);
    const head = await send('HEAD', '/');
    expect([head.status, await head.text()]).toEqual([200, '']);
    const custom = await startOllamaEmulator({ models: ['mistral'] });
    try {
      expect(custom.baseURL).toBe(custom.origin);
      expect(custom.models).toEqual(['mistral']);
      const response = await fetch(`${custom.baseURL}/api/chat`, {
        method: 'POST',
        body: JSON.stringify(user('x')),
      });
      expect(response.status).toBe(404);
    } finally {
      await custom.close();
    }
  });
});
