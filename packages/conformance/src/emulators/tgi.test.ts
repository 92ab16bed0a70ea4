import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTgiEmulator, TGI_EMULATOR_MODEL, type TgiEmulator } from './tgi.js';

let emulator: TgiEmulator;
beforeAll(async () => {
  emulator = await startTgiEmulator({ apiKeys: ['k'] });
});
beforeEach(() => {
  emulator.clearScripts();
  emulator.setHealthy(true);
});
afterAll(async () => {
  await emulator.close();
});

const send = (path: string, body?: unknown, key = 'k') =>
  fetch(`${emulator.origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const events = (text: string) =>
  text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      expect(block.startsWith('data:{')).toBe(true); // axum writes no space after `data:`
      return JSON.parse(block.slice(5)) as Record<string, unknown>;
    });

describe('TGI emulator: native generation', () => {
  it('/generate echoes the prompt with details, usage headers and eos_token', async () => {
    const response = await send('/generate', { inputs: 'hello there', parameters: { details: true } });
    expect(response.headers.get('x-prompt-tokens')).toBe('2');
    expect(response.headers.get('x-generated-tokens')).toBe('4');
    const body = (await response.json()) as { generated_text: string; details: Record<string, unknown> };
    expect(body.generated_text).toBe('Echo: hello there');
    expect(body.details).toMatchObject({
      finish_reason: 'eos_token',
      generated_tokens: 4,
      seed: null,
      prefill: [],
    });
    expect((body.details.tokens as { special: boolean }[]).at(-1)).toMatchObject({
      text: '</s>',
      special: true,
    });
  });

  it('max_new_tokens cuts (length), stop sequences end (stop_sequence), details off leaves them out', async () => {
    const cut = await (
      await send('/generate', { inputs: 'a b c', parameters: { max_new_tokens: 2, details: true } })
    ).json();
    expect(cut).toMatchObject({
      generated_text: 'Echo: a ',
      details: { finish_reason: 'length', generated_tokens: 2 },
    });
    const stopped = await (
      await send('/generate', { inputs: 'a b c', parameters: { stop: ['b'], details: true } })
    ).json();
    expect(stopped).toMatchObject({
      generated_text: 'Echo: a b ',
      details: { finish_reason: 'stop_sequence' },
    });
    expect(await (await send('/generate', { inputs: 'plain' })).json()).toEqual({
      generated_text: 'Echo: plain',
    });
  });

  it('validates like the router: 422 validation, and axum 422 text for bodies that do not deserialise', async () => {
    const hot = await send('/generate', { inputs: 'x', parameters: { temperature: 0 } });
    expect(hot.status).toBe(422);
    expect(await hot.json()).toEqual({
      error: 'Input validation error: `temperature` must be strictly positive',
      error_type: 'validation',
    });
    const stops = await (
      await send('/generate', { inputs: 'x', parameters: { stop: ['1', '2', '3', '4', '5'] } })
    ).json();
    expect(stops).toMatchObject({ error: expect.stringContaining('up to 4 stop sequences. Given: 5') });
    const empty = await (await send('/generate', { inputs: '' })).json();
    expect(empty).toMatchObject({ error: 'Input validation error: `inputs` cannot be empty' });
    const missing = await send('/generate', { prompt: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await missing.text()).toContain('missing field `inputs`');
  });

  it('/generate_stream sends token events and a final event with generated_text and StreamDetails', async () => {
    const response = await send('/generate_stream', { inputs: 'one two', parameters: { details: true } });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const list = events(await response.text());
    expect(list.map((e) => (e.token as { text: string }).text)).toEqual(['Echo: ', 'one ', 'two', '</s>']);
    expect(list.slice(0, -1).every((e) => e.generated_text === null && e.details === null)).toBe(true);
    expect(list.at(-1)).toMatchObject({
      index: 4,
      generated_text: 'Echo: one two',
      details: { finish_reason: 'eos_token', generated_tokens: 4, input_length: 2 },
    });
    expect(list.some((e) => 'top_tokens' in e)).toBe(false);
  });

  it('/generate_stream reports validation failures in-band after HTTP 200', async () => {
    const response = await send('/generate_stream', {
      inputs: 'x',
      parameters: { best_of: 2, do_sample: true },
    });
    expect(response.status).toBe(200);
    expect(events(await response.text())).toEqual([
      {
        error: 'Input validation error: `best_of` != 1 is not allowed for this endpoint',
        error_type: 'validation',
      },
    ]);
  });

  it('stream faults: an in-band error event, and truncation without the final event', async () => {
    emulator.script('POST /generate_stream', [
      { kind: 'stream-error', afterEvents: 1 },
      { kind: 'truncate', afterEvents: 2 },
    ]);
    const broken = events(await (await send('/generate_stream', { inputs: 'a b c' })).text());
    expect(broken).toHaveLength(2);
    expect(broken[1]).toEqual({
      error: 'Request failed during generation: Server error: emulated failure',
      error_type: 'generation',
    });
    const cut = events(await (await send('/generate_stream', { inputs: 'a b c' })).text());
    expect(cut).toHaveLength(2);
    expect(cut.every((e) => e.generated_text === null)).toBe(true);
  });

  it('the compat route and the hosted model route wrap answers in a list and return the full text by default', async () => {
    for (const path of ['/', '/models/gpt2', '/models/org/model']) {
      expect(await (await send(path, { inputs: 'hi' })).json()).toEqual([{ generated_text: 'hiEcho: hi' }]);
    }
    const streamed = events(
      await (
        await send('/models/org/model', {
          inputs: 'hi',
          stream: true,
          parameters: { return_full_text: false },
        })
      ).text(),
    );
    expect(streamed.at(-1)).toMatchObject({ generated_text: 'Echo: hi', details: null });
  });
});

describe('TGI emulator: server routes, auth and errors', () => {
  it('/info, /tokenize, /v1/models and /health', async () => {
    expect(await (await send('/info')).json()).toMatchObject({
      model_id: TGI_EMULATOR_MODEL,
      router: 'text-generation-router',
      max_client_batch_size: 4,
    });
    expect(await (await send('/tokenize', { inputs: 'Hello world' })).json()).toEqual([
      { id: expect.any(Number), text: 'Hello ', start: 0, stop: 6 },
      { id: expect.any(Number), text: 'world', start: 6, stop: 11 },
    ]);
    expect(await (await send('/v1/models')).json()).toEqual({
      object: 'list',
      data: [{ id: TGI_EMULATOR_MODEL, object: 'model', created: 0, owned_by: TGI_EMULATOR_MODEL }],
    });
    const healthy = await send('/health');
    expect([healthy.status, await healthy.text()]).toEqual([200, '']);
    emulator.setHealthy(false);
    const sick = await send('/health');
    expect([sick.status, await sick.json()]).toEqual([
      503,
      { error: 'unhealthy', error_type: 'healthcheck' },
    ]);
  });

  it('--api-key: a missing or wrong key is 401 with an empty body; unknown routes 404 empty', async () => {
    for (const key of ['', 'wrong']) {
      const response = await send('/info', undefined, key);
      expect([response.status, await response.text()]).toEqual([401, '']);
    }
    const missing = await send('/nope');
    expect([missing.status, await missing.text()]).toEqual([404, '']);
  });

  it('error faults answer in TGI shape; 429 is "Model is overloaded"', async () => {
    emulator.script('POST /generate', [
      { kind: 'error', status: 429 },
      { kind: 'error', status: 424 },
      { kind: 'error', status: 401 },
    ]);
    const overloaded = await send('/generate', { inputs: 'x' });
    expect([overloaded.status, await overloaded.json()]).toEqual([
      429,
      { error: 'Model is overloaded', error_type: 'overloaded' },
    ]);
    expect(await (await send('/generate', { inputs: 'x' })).json()).toMatchObject({
      error_type: 'generation',
    });
    expect(await (await send('/generate', { inputs: 'x' })).text()).toBe('');
  });

  it('/v1/chat/completions serves any model name as the one model, with TGI errors', async () => {
    const body = await (
      await send('/v1/chat/completions', { model: 'anything', messages: [{ role: 'user', content: 'hi' }] })
    ).json();
    expect(body).toMatchObject({
      model: TGI_EMULATOR_MODEL,
      system_fingerprint: '3.3.6-native',
      choices: [{ message: { content: 'Echo: hi' } }],
    });
    expect(body).not.toHaveProperty('service_tier');
    const invalid = await send('/v1/chat/completions', { model: 'tgi', messages: [] });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ error_type: 'validation' });
    const hosted = await send('/models/org/model/v1/chat/completions', {
      model: 'org/model',
      messages: [{ role: 'user', content: 'yo' }],
    });
    expect(await hosted.json()).toMatchObject({ choices: [{ message: { content: 'Echo: yo' } }] });
  });
});
