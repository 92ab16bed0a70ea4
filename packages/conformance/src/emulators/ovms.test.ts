import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OvmsEmulator, startOvmsEmulator } from './ovms.js';

// The OVMS emulator on the wire, with plain fetch: routes, OVMS's validation and error shapes, faults.
let emulator: OvmsEmulator;
beforeEach(async () => {
  emulator = await startOvmsEmulator({ apiKeys: ['k'] });
});
afterEach(async () => {
  await emulator.close();
});

const url = (path: string) => `${emulator.origin}${path}`;
const get = (path: string, key?: string) =>
  fetch(url(path), key ? { headers: { authorization: `Bearer ${key}` } } : {});
const post = (path: string, body: unknown, key?: string) =>
  fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });
const json = async (response: Response) => ({
  status: response.status,
  body: (await response.json()) as unknown,
});
const dummy = (input: Record<string, unknown> = {}) => ({
  inputs: [
    { name: 'b', datatype: 'FP32', shape: [1, 10], data: Array.from({ length: 10 }, (_, i) => i), ...input },
  ],
});

describe('KServe v2', () => {
  it('health, server metadata, model metadata and readiness', async () => {
    expect((await get('/v2/health/live')).status).toBe(200);
    expect((await get('/v2/health/ready')).status).toBe(200);
    expect(await json(await get('/v2'))).toEqual({
      status: 200,
      body: { name: 'OpenVINO Model Server', version: '2025.3.0', extensions: [] },
    });
    expect((await json(await get('/v2/models/double/versions/1'))).body).toEqual({
      name: 'double',
      versions: ['1', '2'],
      platform: 'OpenVINO',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, -1] }],
      outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, -1] }],
    });
    expect((await get('/v2/models/dummy/ready')).status).toBe(200);
    expect(await json(await get('/v2/models/nope/ready'))).toEqual({
      status: 404,
      body: { error: 'Model with requested name is not found' },
    });
    expect((await json(await get('/v2/models/dummy/versions/7'))).body).toEqual({
      error: 'Model with requested version is not found',
    });
  });

  it('infers with OVMS models: dummy a = b + 1, double output = input * 2 (nested data accepted)', async () => {
    const a = await json(
      await post('/v2/models/dummy/infer', { ...dummy(), id: 'r1', outputs: [{ name: 'a' }] }),
    );
    expect(a).toEqual({
      status: 200,
      body: {
        model_name: 'dummy',
        model_version: '1',
        id: 'r1',
        outputs: [{ name: 'a', shape: [1, 10], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }],
      },
    });
    const d = await json(
      await post('/v2/models/double/versions/2/infer', {
        inputs: [
          {
            name: 'input',
            datatype: 'FP32',
            shape: [2, 2],
            data: [
              [1, 2],
              [3, 4.5],
            ],
          },
        ],
      }),
    );
    expect(d.body).toMatchObject({ model_version: '2', outputs: [{ shape: [2, 2], data: [2, 4, 6, 9] }] });
  });

  it('validates datatypes, shapes, counts, values and names like OVMS (400 with its messages)', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [dummy({ datatype: 'INT32' }), /^Invalid input precision - Expected: FP32; Actual: INT32$/],
      [dummy({ datatype: 'FLOAT' }), /^Invalid input precision/],
      [dummy({ shape: [10] }), /^Invalid number of shape dimensions/],
      [dummy({ shape: [2, 5] }), /^Invalid input shape - Expected: \(1,10\); Actual: \(2,5\)$/],
      [
        dummy({ data: [1, 2] }),
        /^Invalid number of values in tensor proto container - Expected: 10; Actual: 2$/,
      ],
      [dummy({ data: ['x', 1, 2, 3, 4, 5, 6, 7, 8, 9] }), /^Could not parse input content/],
      [dummy({ name: 'c' }), /^Missing input with specific name - Required input: b$/],
      [{ inputs: [] }, /^Invalid number of inputs - Expected: 1; Actual: 0$/],
      [{ ...dummy(), outputs: [{ name: 'z' }] }, /^Missing output with specific name/],
      [{}, /missing inputs/],
    ];
    for (const [body, message] of cases) {
      const reply = await json(await post('/v2/models/dummy/infer', body));
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect((reply.body as { error: string }).error).toMatch(message);
    }
    expect((await post('/v2/models/dummy/versions/x/infer', dummy())).status).toBe(400);
    expect((await post('/v2/models/nope/infer', dummy())).status).toBe(404);
  });

  it('answers 503 while the server or a model is not ready', async () => {
    emulator.setReady(false);
    expect((await get('/v2/health/ready')).status).toBe(503);
    expect((await get('/v2/health/live')).status).toBe(200);
    expect(await json(await post('/v2/models/dummy/infer', dummy()))).toEqual({
      status: 503,
      body: { error: 'Model with requested version is not loaded yet' },
    });
    emulator.setReady(true);
    emulator.setModelLoading('dummy', true);
    expect((await get('/v2/models/dummy/ready')).status).toBe(503);
    expect((await get('/v2/models/double/ready')).status).toBe(200);
    emulator.setModelLoading('dummy', false);
    expect((await post('/v2/models/dummy/infer', dummy())).status).toBe(200);
  });
});

describe('TensorFlow Serving /v1', () => {
  it('predicts in the row and column formats, reads status and metadata', async () => {
    const row = Array.from({ length: 10 }, (_, i) => i);
    expect((await json(await post('/v1/models/dummy:predict', { instances: [row] }))).body).toEqual({
      predictions: [row.map((x) => x + 1)],
    });
    expect(
      (await json(await post('/v1/models/dummy/versions/1:predict', { instances: [{ b: row }] }))).body,
    ).toEqual({
      predictions: [row.map((x) => x + 1)],
    });
    expect(
      (await json(await post('/v1/models/double:predict', { inputs: { input: [[1, 2]] } }))).body,
    ).toEqual({
      outputs: [[2, 4]],
    });
    const seed = await json(await post('/v1/models/dummy:predict', { instances: [{ data: [1, 2, 3, 4] }] }));
    expect(seed).toMatchObject({ status: 400, body: { error: expect.stringMatching(/Missing input/) } });
    expect((await json(await get('/v1/models/double'))).body).toEqual({
      model_version_status: [
        { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        { version: '2', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
      ],
    });
    const metadata = (await json(await get('/v1/models/dummy/metadata'))).body;
    expect(metadata).toMatchObject({ modelSpec: { name: 'dummy', signatureName: '', version: '1' } });
    const defs = (metadata as { metadata: { signature_def: { signatureDef: Record<string, unknown> } } })
      .metadata.signature_def.signatureDef;
    expect((defs.serving_default as { inputs: Record<string, unknown> }).inputs.b).toEqual({
      dtype: 'DT_FLOAT',
      tensorShape: { dim: [{ size: '1' }, { size: '10' }] },
      name: 'b',
    });
    expect((await post('/v1/models/dummy:classify', { instances: [row] })).status).toBe(400);
  });
});

describe('/v3 OpenAI-compatible', () => {
  const chat = 'OpenVINO/Qwen3-8B-int4-ov';
  const messages = [{ role: 'user', content: 'hello there' }];

  it('checks the key on /v3 only, and answers errors as {"error": "..."}', async () => {
    expect(await json(await post('/v3/chat/completions', { model: chat, messages }))).toEqual({
      status: 401,
      body: { error: 'Unauthorized' },
    });
    expect((await post('/v2/models/dummy/infer', dummy())).status).toBe(200);
    expect(await json(await post('/v3/chat/completions', { model: 'nope', messages }, 'k'))).toEqual({
      status: 404,
      body: { error: 'Model not found' },
    });
    expect((await json(await post('/v3/v1/chat/completions', { model: chat, messages }, 'k'))).status).toBe(
      200,
    );
  });

  it('streams OVMS chunks: first content null, no id, and a bare {"error"} line on a stream-error fault', async () => {
    const body = { model: chat, messages, stream: true };
    const text = await (await post('/v3/chat/completions', body, 'k')).text();
    const frames = text.split('\n\n').filter(Boolean);
    const first = JSON.parse(frames[0]!.slice('data: '.length)) as {
      id?: string;
      system_fingerprint?: string;
      choices: Array<{ delta: unknown }>;
    };
    expect(first.id).toBeUndefined();
    expect(first.system_fingerprint).toBeUndefined();
    expect(first.choices[0]?.delta).toEqual({ role: 'assistant', content: null });
    expect(frames.at(-1)).toBe('data: [DONE]');
    emulator.script('POST /v3/chat/completions', [{ kind: 'stream-error', afterEvents: 1, message: 'boom' }]);
    const failed = await (await post('/v3/chat/completions', body, 'k')).text();
    expect(failed.endsWith('{"error":"boom"}')).toBe(true);
    expect(failed).not.toContain('[DONE]');
  });

  it('completes one string prompt and reranks deterministically', async () => {
    const completion = await json(
      await post('/v3/completions', { model: chat, prompt: 'a b c', max_tokens: 2 }, 'k'),
    );
    expect(completion.body).toMatchObject({
      object: 'text_completion',
      choices: [{ index: 0, text: 'Echo: a ', finish_reason: 'length' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    expect((await json(await post('/v3/completions', { model: chat, prompt: ['x'] }, 'k'))).status).toBe(400);
    const reranker = 'OpenVINO/bge-reranker-base-fp16-ov';
    const documents = ['cats and dogs', 'the weather today', 'dogs bark'];
    const reply = await json(
      await post('/v3/rerank', { model: reranker, query: 'dogs', documents, top_n: 2 }, 'k'),
    );
    const results = (reply.body as { results: Array<{ index: number; relevance_score: number }> }).results;
    expect(results.map((r) => r.index)).toEqual([2, 0]);
    expect(results.every((r) => r.relevance_score > 0 && r.relevance_score < 1)).toBe(true);
    const withDocs = await json(
      await post(
        '/v3/rerank',
        { model: reranker, query: 'q', documents: ['x'], return_documents: true },
        'k',
      ),
    );
    expect((withDocs.body as { results: Array<{ document: string }> }).results[0]?.document).toBe('x');
  });
});

describe('faults on every route', () => {
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/v2/health/live'],
    ['GET', '/v2/health/ready'],
    ['GET', '/v2'],
    ['GET', '/v2/models/dummy'],
    ['GET', '/v2/models/dummy/versions/1/ready'],
    ['POST', '/v2/models/dummy/infer', dummy()],
    ['GET', '/v1/models/dummy'],
    ['GET', '/v1/models/dummy/metadata'],
    ['POST', '/v1/models/dummy:predict', { instances: [[1]] }],
    ['POST', '/v3/chat/completions', {}],
    ['POST', '/v3/completions', {}],
    ['POST', '/v3/embeddings', {}],
    ['POST', '/v3/rerank', {}],
    ['GET', '/v3/models'],
  ];

  it('an error fault answers in the OVMS shape on each, and a reset drops the connection', async () => {
    for (const [method, path, body] of routes) {
      emulator.script(`${method} ${path}`, [
        { kind: 'error', status: 503 },
        { kind: 'reset-before-headers' },
      ]);
      const send = () => {
        const key = path.startsWith('/v3') ? 'k' : undefined;
        return method === 'GET' ? get(path, key) : post(path, body, key);
      };
      expect(await json(await send()), path).toEqual({
        status: 503,
        body: { error: 'Model with requested version is not loaded yet' },
      });
      await expect(send(), path).rejects.toThrow();
    }
    expect(emulator.requests.length).toBe(routes.length * 2);
  });
});
