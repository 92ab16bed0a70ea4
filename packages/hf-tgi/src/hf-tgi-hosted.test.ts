import { FakeClock } from '@ipfs-accelerate/core';
import { collect, type ScriptedServer, startScriptedServer, waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHfTgi } from './hf-tgi-client.js';

const KEY = 'hf_secretToken0123456789abcdefXYZ';
const token = (id: number, text: string, special = false) => ({ id, text, logprob: -0.5, special });

let server: ScriptedServer;

beforeEach(async () => {
  for (const name of ['HF_API_KEY', 'HF_API_TOKEN', 'HF_TOKEN', 'HF_TGI_BASE_URL', 'TGI_BASE_URL'])
    vi.stubEnv(name, '');
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

describe('hosted mode', () => {
  it('needs a key, puts the model in the path and uses the compat body', async () => {
    expect(() => createHfTgi({ mode: 'hosted' })).toThrow(
      expect.objectContaining({ code: 'authentication_failed' }),
    );
    vi.stubEnv('HF_API_KEY', KEY);
    const client = createHfTgi({ mode: 'hosted', baseURL: server.origin, waitForModel: false });
    server.reply(
      { json: [{ generated_text: 'Paris' }] },
      { sse: [{ index: 1, token: token(1, 'Paris'), generated_text: 'Paris', details: null }, '[DONE]'] },
    );
    expect((await client.generate({ inputs: 'Capital of France?' })).text).toBe('Paris');
    const events = await collect(client.streamGenerate({ inputs: 'Capital?', model: 'org/other model' }));
    expect(events.at(-1)).toMatchObject({ type: 'finish', generatedText: 'Paris' });
    expect(server.requests[0]).toMatchObject({
      url: '/models/mistralai/Mistral-7B-Instruct-v0.2',
      json: {
        inputs: 'Capital of France?',
        parameters: { details: true, return_full_text: false },
        options: { wait_for_model: false },
      },
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[1]).toMatchObject({ url: '/models/org/other%20model', json: { stream: true } });
    await expect(client.info()).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(client.health()).rejects.toMatchObject({ code: 'invalid_request' });
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('a loading model (503 + estimated_time) is retried after estimated_time', async () => {
    const clock = new FakeClock();
    const client = createHfTgi({ mode: 'hosted', apiKey: KEY, baseURL: server.origin, model: 'gpt2', clock });
    server.reply(
      { status: 503, json: { error: 'Model gpt2 is currently loading', estimated_time: 20.0 } },
      { json: [{ generated_text: 'ready' }] },
    );
    const pending = client.generate({ inputs: 'x' });
    await waitFor(() => clock.nextTimerAt() === 20_000, 'the sleep of estimated_time');
    await clock.advance(20_000);
    expect((await pending).text).toBe('ready');
    const attempts = client.recentRequests(1)[0]?.attempts ?? [];
    expect(attempts.map((a) => [a.errorCode ?? null, a.delayBeforeMs, a.delaySource])).toEqual([
      ['overloaded', 0, 'none'],
      [null, 20_000, 'provider'],
    ]);
    await client.close();
  });

  it('a load time beyond the cap fails at once with the hint; hosted chat is under the model path', async () => {
    const client = createHfTgi({ mode: 'hosted', apiKey: KEY, baseURL: server.origin, model: 'big/model' });
    server.reply({
      status: 503,
      json: { error: 'Model big/model is currently loading', estimated_time: 300 },
    });
    await expect(client.generate({ inputs: 'x' })).rejects.toMatchObject({
      code: 'overloaded',
      retryAfterMs: 300_000,
    });
    expect(server.requests).toHaveLength(1);
    await client.close();

    const chat = createHfTgi({ mode: 'hosted', apiKey: KEY, baseURL: server.origin, model: 'big/model' });
    server.reply({
      json: {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'big/model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      },
    });
    await chat.chat({ model: '', messages: [{ role: 'user', content: 'hi' }] });
    expect(server.requests[1]).toMatchObject({
      url: '/models/big/model/v1/chat/completions',
      json: { model: 'big/model' },
    });
    await chat.close();
  });
});
