import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OvmsEmulator, startOvmsEmulator } from './ovms.js';

// There is no official OVMS JavaScript client; OVMS documents the official `openai` client against `/v3`,
// so that client is the judge of the emulator's OpenAI-compatible surface.
let emulator: OvmsEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startOvmsEmulator({ apiKeys: ['ovms-key'] });
  client = new OpenAI({ apiKey: 'ovms-key', baseURL: `${emulator.origin}/v3`, maxRetries: 0 });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

const model = 'OpenVINO/Qwen3-8B-int4-ov';
const embedder = 'OpenVINO/bge-base-en-v1.5-fp16-ov';

describe('official openai client against the OVMS emulator (/v3)', () => {
  it('chat completion', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hello world' }],
      max_tokens: 50,
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: hello world');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(emulator.requests.at(-1)?.headers.authorization).toBe('Bearer ovms-key');
  });

  it('streaming: OVMS chunks (no id, content null first) parse, deltas concatenate, usage at the end', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'stream these words' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Echo: stream these words');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });

  it('the bare {"error"} line of OVMS is invisible to the official client (why our decoder reads raw lines)', async () => {
    emulator.script('POST /v3/chat/completions', [{ kind: 'stream-error', afterEvents: 1, message: 'boom' }]);
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    // The SSE spec ignores a line that is not a field: the official client ends quietly with partial text.
    expect(text).toBe('Echo: ');
  });

  it('embeddings, float and base64 (the client default)', async () => {
    const floats = await client.embeddings.create({
      model: embedder,
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    const decoded = await client.embeddings.create({ model: embedder, input: ['a', 'b'] });
    expect(floats.data).toHaveLength(2);
    expect(decoded.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding));
    expect(floats.data[0]?.embedding).not.toEqual(floats.data[1]?.embedding);
  });

  it('completions and the model list', async () => {
    const completion = await client.completions.create({ model, prompt: 'say it', max_tokens: 10 });
    expect(completion.choices[0]?.text).toBe('Echo: say it');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain(model);
  });

  it('errors reach the client as APIError with the status and the OVMS message', async () => {
    const missing = await client.chat.completions
      .create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(APIError);
    expect((missing as APIError).status).toBe(404);
    expect((missing as APIError).message).toContain('Model not found');
    const denied = new OpenAI({ apiKey: 'wrong', baseURL: `${emulator.origin}/v3`, maxRetries: 0 });
    const error = await denied.models.list().catch((e: unknown) => e);
    expect((error as APIError).status).toBe(401);
  });
});
