/**
 * Fidelity of the OPEA emulator: the official `openai` client against the microservices' OpenAI-compatible
 * routes, and Python itself (when `python3` is on PATH) as the judge of the ChatQnA frames: every
 * `data: b'…'` frame must be exactly `repr(piece.encode('utf-8'))`.
 */
import { spawnSync } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../emulator/types.js';
import { OPEA_EMULATOR_LLM_MODEL, startOpeaEmulator } from './opea.js';
import { answerPieces, chatQnAAnswer } from './opea-chatqna.js';

let emulator: Emulator;
let client: OpenAI;
beforeAll(async () => {
  emulator = await startOpeaEmulator();
  // GenAIComps services take no key; the client insists on one, which the emulator ignores.
  client = new OpenAI({ apiKey: 'unused', baseURL: `${emulator.origin}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await emulator.close();
});

describe('official openai client against the OPEA LLM and embedding microservices', () => {
  it('chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: OPEA_EMULATOR_LLM_MODEL,
      messages: [{ role: 'user', content: 'hello opea' }],
      max_tokens: 32,
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: hello opea');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(emulator.requests.at(-1)?.path).toBe('/v1/chat/completions');
  });

  it('streamed chat completion', async () => {
    const stream = await client.chat.completions.create({
      model: OPEA_EMULATOR_LLM_MODEL,
      messages: [{ role: 'user', content: 'stream it' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: stream it');
  });

  it('embeddings', async () => {
    const result = await client.embeddings.create({
      model: 'BAAI/bge-base-en-v1.5',
      input: ['a', 'b'],
      encoding_format: 'float',
    });
    expect(result.data.map((d) => d.index)).toEqual([0, 1]);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
  });

  it('FastAPI validation errors surface as the client’s 422', async () => {
    const error = await client.chat.completions
      .create({ model: OPEA_EMULATOR_LLM_MODEL, messages: undefined as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
  });
});

const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const havePython = python.status === 0;

describe.skipIf(!havePython)('ChatQnA frames against Python repr()', () => {
  it('every frame is repr(piece.encode("utf-8"))', async () => {
    const question = 'tab\there "double" \'single\' back\\slash caf\u00e9 \u2014 \ud83d\ude00 \u0007bell';
    const response = await fetch(`${emulator.origin}/v1/chatqna`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: question }),
    });
    const frames = (await response.text()).split('\n\n').filter((f) => f !== '');
    const pieces = answerPieces(chatQnAAnswer(question));
    const script =
      'import json,sys\nfor p in json.load(sys.stdin):\n    print(f"data: {repr(p.encode(\'utf-8\'))}")\nprint("data: [DONE]")';
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(pieces), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(frames).toEqual(run.stdout.trimEnd().split('\n'));
  });
});
if (!havePython) console.log('opea-fidelity: python3 not found; the repr() comparison is skipped');
