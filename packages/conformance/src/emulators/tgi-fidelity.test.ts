import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTgiEmulator, TGI_EMULATOR_MODEL, type TgiEmulator } from './tgi.js';

// No official TGI JavaScript client is installed; TGI's `/v1` is judged by the official openai client (as
// Hugging Face documents it), the native routes by the spec stage (tgi-spec.test.ts).
let emulator: TgiEmulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startTgiEmulator({ apiKeys: ['tgi-key'] });
  client = new OpenAI({ apiKey: 'tgi-key', baseURL: `${emulator.origin}/v1`, maxRetries: 0 });
});
beforeEach(() => emulator.clearScripts());
afterAll(async () => {
  await emulator.close();
});

describe('official openai client against the TGI emulator', () => {
  it('chat completion with model "tgi": the served model answers, with TGI\'s fingerprint', async () => {
    const completion = await client.chat.completions.create({
      model: 'tgi',
      messages: [{ role: 'user', content: 'hello tgi' }],
      max_tokens: 20,
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: hello tgi');
    expect(completion.model).toBe(TGI_EMULATOR_MODEL);
    expect(completion.system_fingerprint).toBe('3.3.6-native');
    expect(completion.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    expect(emulator.requests.at(-1)?.headers.authorization).toBe('Bearer tgi-key');
  });

  it('streaming: deltas carry role and content, usage comes last, [DONE] ends it', async () => {
    const stream = await client.chat.completions.create({
      model: 'tgi',
      messages: [{ role: 'user', content: 'stream these words' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const roles = new Set<string | undefined>();
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (delta) roles.add(delta.role);
      text += delta?.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Echo: stream these words');
    expect(roles).toEqual(new Set(['assistant']));
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4 });
  });

  it('the model list is the served model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((m) => m.id)).toEqual([TGI_EMULATOR_MODEL]);
  });

  it("errors: a wrong key is a 401 with an empty body; overload and validation in TGI's shape", async () => {
    const wrong = new OpenAI({ apiKey: 'nope', baseURL: `${emulator.origin}/v1`, maxRetries: 0 });
    const unauthorised = await wrong.chat.completions
      .create({ model: 'tgi', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(unauthorised).toBeInstanceOf(OpenAI.AuthenticationError);

    emulator.script('POST /v1/chat/completions', [{ kind: 'error', status: 429 }]);
    const overloaded = await client.chat.completions
      .create({ model: 'tgi', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.RateLimitError);
    // The client reads `body.error`, which in TGI's shape is the message itself.
    expect((overloaded as APIError).error).toBe('Model is overloaded');

    const invalid = await client.chat.completions
      .create({ model: 'tgi', messages: [{ role: 'user', content: 'x' }], temperature: 5 })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect((invalid as APIError).status).toBe(422);
    expect(String((invalid as APIError).error)).toMatch(/^Input validation error: .*temperature/);
  });
});
