import {
  type ChatStreamEvent,
  InvalidRequestError,
  OverloadedError,
  ResponseFormatError,
  ServerError,
  type SseEvent,
} from '@ipfs-accelerate/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createChatQnAStreamMapper, isChatQnAStreamTerminal } from './opea-chatqna-stream.js';
import { pythonBytesRepr, pythonTextRepr } from './test/python-repr.js';

const frame = (data: string): SseEvent => ({ event: 'message', data });

function run(datas: readonly string[]): ChatStreamEvent[] {
  const mapper = createChatQnAStreamMapper();
  const out: ChatStreamEvent[] = [];
  for (const data of datas) {
    const events = mapper.map(frame(data));
    if (events === undefined) continue;
    out.push(...(Array.isArray(events) ? events : [events as ChatStreamEvent]));
  }
  return out;
}

const textOf = (events: readonly ChatStreamEvent[]) =>
  events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');

describe('createChatQnAStreamMapper', () => {
  it('turns b-literal frames into text deltas and [DONE] into one finish', () => {
    const events = run(["b'Hello'", "b' world'", "b''", "b'\\n'", '[DONE]']);
    expect(events).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: ' world' },
      { type: 'text-delta', text: '\n' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('decodes escapes and multi-byte characters, also when split across frames', () => {
    expect(textOf(run(["b'It\\xe2\\x80\\x99s'", 'b"don\'t"', "b'a\\\\b'", '[DONE]']))).toBe(
      "It\u2019sdon'ta\\b",
    );
    const split = run(["b'caf\\xc3'", "b'\\xa9 \\xf0\\x9f'", "b'\\x98\\x80'", '[DONE]']);
    expect(textOf(split)).toBe('café 😀');
    expect(split.every((e) => e.type !== 'text-delta' || !e.text.includes('\ufffd'))).toBe(true);
  });

  it('reassembles any text cut into any byte pieces', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (value, cuts) => {
          const bytes = new TextEncoder().encode(value);
          const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort(
            (a, b) => a - b,
          );
          const pieces: string[] = [];
          let from = 0;
          for (const at of [...points, bytes.length]) {
            pieces.push(pythonBytesRepr(bytes.subarray(from, at)));
            from = at;
          }
          expect(textOf(run([...pieces, '[DONE]']))).toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps JSON-looking model output as text', () => {
    expect(textOf(run([pythonTextRepr('{"answer": 42}'), '[DONE]']))).toBe('{"answer": 42}');
  });

  it('throws forwarded upstream errors as taxonomy errors', () => {
    const openaiStyle = pythonTextRepr('{"error":{"message":"overloaded","type":"overloaded_error"}}');
    expect(() => run([openaiStyle])).toThrow(OverloadedError);
    const vllmStyle = pythonTextRepr(
      '{"object":"error","message":"bad prompt","type":"BadRequestError","code":400}',
    );
    expect(() => run([vllmStyle])).toThrow(InvalidRequestError);
    expect(() => run(['{"error":"boom"}'])).toThrow(ServerError);
  });

  it('reads bare OpenAI chunks passed through', () => {
    const chunk = JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' } }] });
    expect(run([chunk, '[DONE]'])).toEqual([
      { type: 'text-delta', text: 'hi' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('refuses frames it cannot read', () => {
    expect(() => run(["b'unterminated"])).toThrow(ResponseFormatError);
    expect(() => run(['plain words'])).toThrow(ResponseFormatError);
    expect(() => run(['{"unexpected":true}'])).toThrow(ResponseFormatError);
  });

  it('knows the terminator', () => {
    expect(isChatQnAStreamTerminal(frame('[DONE]'))).toBe(true);
    expect(isChatQnAStreamTerminal(frame("b'[DONE]'"))).toBe(false);
  });
});
