/** The OPEA emulator on the wire: ChatQnA frames, FastAPI errors, microservice routes, faults. */
import { createOpea } from '@ipfs-accelerate/opea';
import { afterEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/types.js';
import { startOpeaEmulator } from './opea.js';
import { chatQnAAnswer } from './opea-chatqna.js';
import { pythonBytesRepr } from './opea-errors.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${emulator!.origin}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('OPEA emulator: ChatQnA', () => {
  it("streams by default, as b'…' frames with escapes, then [DONE]", async () => {
    emulator = await startOpeaEmulator();
    const response = await post('/v1/chatqna', { messages: "it's" });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await response.text();
    expect(body).toBe(
      [
        "data: b'Echo:'\n\n",
        'data: b" it\'s"\n\n',
        "data: b'\\nThat\\xe2\\x80\\x99s'\n\n",
        "data: b' what'\n\n",
        "data: b' the'\n\n",
        "data: b' knowledge'\n\n",
        "data: b' base'\n\n",
        "data: b' says.'\n\n",
        'data: [DONE]\n\n',
      ].join(''),
    );
  });

  it('answers stream:false with a chat.completion of model chatqna and zero usage', async () => {
    emulator = await startOpeaEmulator();
    const response = await post('/v1/chatqna', {
      messages: [{ role: 'user', content: 'hi' }],
      stream: false,
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'chatqna',
      choices: [
        { index: 0, message: { role: 'assistant', content: chatQnAAnswer('hi') }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 0, total_tokens: 0, completion_tokens: 0 },
    });
  });

  it('refuses bad bodies with FastAPI 422 lists', async () => {
    emulator = await startOpeaEmulator();
    const missing = await post('/v1/chatqna', { stream: false });
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({
      detail: [
        { type: 'missing', loc: ['body', 'messages'], msg: 'Field required', input: { stream: false } },
      ],
    });
    const typed = await post('/v1/chatqna', { messages: 'q', temperature: 'hot', k: 1.5 });
    expect(
      ((await typed.json()) as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc.join('.')),
    ).toEqual(['body.temperature', 'body.k']);
    const notJson = await post('/v1/chatqna', '{');
    expect(notJson.status).toBe(422);
    const unknown = await post('/v1/nothing', {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Not Found' });
  });

  it('splits characters across frames on request, and the client reassembles them', async () => {
    emulator = await startOpeaEmulator({ splitCharacters: true });
    const body = await (await post('/v1/chatqna', { messages: 'caf\u00e9' })).text();
    expect(body).toContain("data: b' caf\\xc3'\n\n");
    expect(body).toContain("data: b'\\xa9\\nThat\\xe2'\n\n");
    expect(body).toContain("data: b'\\x80\\x99s what'\n\n");
    const client = createOpea({ baseURL: emulator.origin });
    let text = '';
    for await (const event of client.streamChatQnA({ messages: 'caf\u00e9' })) {
      if (event.type === 'text-delta') text += event.text;
    }
    expect(text).toBe(chatQnAAnswer('caf\u00e9'));
    await client.close();
  });

  it('writes the in-band error frame as the bytes repr of an upstream error', async () => {
    emulator = await startOpeaEmulator();
    emulator.script('POST /v1/chatqna', [
      { kind: 'stream-error', afterEvents: 1, code: 'overloaded_error', message: 'busy' },
    ]);
    const body = await (await post('/v1/chatqna', { messages: 'q' })).text();
    expect(body).toBe(
      "data: b'Echo:'\n\n" +
        `data: ${pythonBytesRepr(new TextEncoder().encode('{"error":{"message":"busy","type":"overloaded_error","param":null,"code":null}}'))}\n\n`,
    );
  });

  it('answers scripted errors the FastAPI way', async () => {
    emulator = await startOpeaEmulator();
    emulator.script('POST /v1/chatqna', [
      { kind: 'error', status: 500 },
      { kind: 'error', status: 422, code: 'missing', message: 'Field required' },
    ]);
    const crash = await post('/v1/chatqna', { messages: 'q' });
    expect([crash.status, await crash.json()]).toEqual([500, { detail: 'Internal Server Error' }]);
    const invalid = await post('/v1/chatqna', { messages: 'q' });
    expect(await invalid.json()).toEqual({
      detail: [{ type: 'missing', loc: ['body'], msg: 'Field required' }],
    });
  });

  it('checks a gateway key when configured', async () => {
    emulator = await startOpeaEmulator({ apiKeys: ['gw-key'] });
    const denied = await post('/v1/chatqna', { messages: 'q' });
    expect([denied.status, await denied.json()]).toEqual([401, { detail: 'Not authenticated' }]);
  });
});

describe('OPEA emulator: microservices', () => {
  it('embeds without a model, retrieves, reranks and reports health', async () => {
    emulator = await startOpeaEmulator({ documents: ['alpha beta', 'gamma delta'] });
    const client = createOpea({ baseURL: emulator.origin });
    const { embeddings, model } = await client.embed({ model: '', input: 'gamma delta' });
    expect(model).toBe('BAAI/bge-base-en-v1.5');
    const { documents } = await client.retrieve({ embedding: embeddings[0]!, k: 1 });
    expect(documents).toEqual([{ text: 'gamma delta', metadata: { source: 'doc-1.txt' } }]);
    const reranked = await client.rerank({
      query: 'beta alpha',
      documents: ['gamma delta', 'alpha beta'],
      topN: 1,
    });
    expect(reranked.results).toEqual([{ index: 1, score: 1 }]);
    expect(await client.healthCheck()).toMatchObject({ serviceTitle: 'ChatQnAService' });
    const searched = await post('/v1/retrieval', { text: 'q', embedding: embeddings[0] });
    expect(await searched.json()).toMatchObject({ initial_query: 'q', top_n: 1 });
    await client.close();
  });

  it('validates microservice bodies with FastAPI 422 lists', async () => {
    emulator = await startOpeaEmulator();
    for (const [path, field] of [
      ['/v1/embeddings', 'input'],
      ['/v1/retrieval', 'embedding'],
      ['/v1/reranking', 'input'],
      ['/v1/chat/completions', 'messages'],
    ] as const) {
      const response = await post(path, {});
      expect(response.status, path).toBe(422);
      expect(JSON.stringify(await response.json())).toContain(`["body","${field}"]`);
    }
  });
});
