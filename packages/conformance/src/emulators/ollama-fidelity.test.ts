import { Ollama } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OllamaEmulator, startOllamaEmulator } from './ollama.js';

// The official client is the judge: if it cannot use the emulator, the emulator is wrong.
let emulator: OllamaEmulator;
let client: Ollama;
beforeAll(async () => {
  emulator = await startOllamaEmulator();
  client = new Ollama({ host: emulator.baseURL });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

const model = 'llama3.2';
const messages = [{ role: 'user', content: 'hello official client' }];

describe('official ollama client against the emulator', () => {
  it('chat, not streamed', async () => {
    const reply = await client.chat({ model, messages, options: { temperature: 0 } });
    expect(reply.message).toEqual({ role: 'assistant', content: 'Echo: hello official client' });
    expect(reply).toMatchObject({ done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 4 });
    expect(emulator.requests.at(-1)?.json).toMatchObject({
      model,
      stream: false,
      options: { temperature: 0 },
    });
  });

  it('chat, streamed: chunks concatenate to the text, the last one is done', async () => {
    const stream = await client.chat({ model, messages, stream: true });
    let text = '';
    const done: boolean[] = [];
    for await (const part of stream) {
      text += part.message.content;
      done.push(part.done);
    }
    expect(text).toBe('Echo: hello official client');
    expect(done.at(-1)).toBe(true);
    expect(done.filter(Boolean)).toHaveLength(1);
  });

  it('chat with tools: tool_calls with object arguments', async () => {
    const reply = await client.chat({
      model,
      messages: [{ role: 'user', content: 'call a tool' }],
      tools: [
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
    });
    expect(reply.message.tool_calls).toEqual([{ function: { name: 'get_time', arguments: {} } }]);
  });

  it('generate, streamed and not', async () => {
    const whole = await client.generate({ model, prompt: 'tell me', options: { num_predict: 2 } });
    expect(whole).toMatchObject({ response: 'Echo: tell', done_reason: 'length' });
    expect(whole.context.length).toBeGreaterThan(0);
    let text = '';
    for await (const part of await client.generate({ model, prompt: 'tell me', stream: true }))
      text += part.response;
    expect(text).toBe('Echo: tell me');
  });

  it('embed and the legacy embeddings', async () => {
    const embedded = await client.embed({ model: 'all-minilm', input: ['a', 'b'] });
    expect(embedded.embeddings).toHaveLength(2);
    expect(embedded.embeddings[0]).toHaveLength(8);
    const legacy = await client.embeddings({ model: 'all-minilm', prompt: 'a' });
    expect(legacy.embedding).toEqual(embedded.embeddings[0]);
  });

  it('list, show, ps, version', async () => {
    const list = await client.list();
    expect(list.models.map((m) => m.name)).toEqual(
      expect.arrayContaining(['llama3.2:latest', 'all-minilm:latest']),
    );
    const show = await client.show({ model });
    expect(show.capabilities).toContain('completion');
    expect(show.details.family).toBe('llama');
    const ps = await client.ps();
    expect(ps.models.map((m) => m.name)).toContain('llama3.2:latest');
    expect((await client.version()).version).toBe('0.12.6');
  });

  it('pull, streamed: progress ends with success and the model appears in the list', async () => {
    const statuses: string[] = [];
    let completed = 0;
    for await (const part of await client.pull({ model: 'phi3:mini', stream: true })) {
      statuses.push(part.status);
      if (part.completed) completed = part.completed;
    }
    expect(statuses[0]).toBe('pulling manifest');
    expect(statuses.at(-1)).toBe('success');
    expect(completed).toBeGreaterThan(0);
    expect(emulator.requests.at(-1)?.json).toMatchObject({ name: 'phi3:mini', stream: true });
    expect((await client.list()).models.map((m) => m.name)).toContain('phi3:mini');
  });

  it('an unknown model: ResponseError with status 404 and the server message', async () => {
    const error = await client.chat({ model: 'nope', messages }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ResponseError',
      status_code: 404,
      error: 'model "nope" not found, try pulling it first',
    });
  });

  it('a busy server (503) and an in-band stream error reach the caller', async () => {
    emulator.script('POST /api/chat', [
      { kind: 'error', status: 503 },
      { kind: 'stream-error', afterEvents: 1 },
    ]);
    await expect(client.chat({ model, messages })).rejects.toMatchObject({
      status_code: 503,
      message: 'server busy, please try again.  maximum pending requests exceeded',
    });
    const stream = await client.chat({ model, messages, stream: true });
    const parts: string[] = [];
    const failure = await (async () => {
      for await (const part of stream) parts.push(part.message.content);
    })().catch((e: unknown) => e);
    expect(parts).toEqual(['Echo: ']);
    expect((failure as Error).message).toBe('an error was encountered while running the model');
  });

  it('a truncated stream is detected by the client', async () => {
    emulator.script('POST /api/chat', [{ kind: 'truncate', afterEvents: 2 }]);
    const stream = await client.chat({ model, messages, stream: true });
    const failure = await (async () => {
      for await (const _part of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect((failure as Error).message).toBe('Did not receive done or success response in stream.');
  });
});
