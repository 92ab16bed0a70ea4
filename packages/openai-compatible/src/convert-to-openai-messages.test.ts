import { InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { convertToOpenAIMessages } from './convert-to-openai-messages.js';

describe('convertToOpenAIMessages', () => {
  it('maps a whole conversation with tools to the wire', () => {
    expect(
      convertToOpenAIMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Boston?', name: 'ann' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Boston"}' }],
        },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'It is ' },
            { type: 'text', text: '21 C.' },
          ],
        },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Boston?', name: 'ann' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"location":"Boston"}' },
          },
        ],
      },
      { role: 'tool', content: '{"temp":21}', tool_call_id: 'call_1' },
      { role: 'assistant', content: 'It is 21 C.' },
    ]);
  });

  it('sends images as image_url parts, inline ones as data URLs', () => {
    const [message] = convertToOpenAIMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these?' },
          { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'image-url', url: 'https://example.com/cat.jpg' },
        ],
      },
    ]);
    expect(message).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      ],
    });
  });

  it('sends a lone text part as a plain string', () => {
    expect(convertToOpenAIMessages([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }])).toEqual([
      { role: 'user', content: 'hi' },
    ]);
  });

  it('refuses images outside user messages and tool results without a call id', () => {
    const image = { type: 'image' as const, data: 'AA==', mediaType: 'image/png' };
    for (const role of ['system', 'assistant', 'tool'] as const) {
      expect(() => convertToOpenAIMessages([{ role, content: [image], toolCallId: 'c' }], 'groq')).toThrow(
        /groq: .* take text parts only/,
      );
    }
    expect(() => convertToOpenAIMessages([{ role: 'tool', content: 'x' }])).toThrow(InvalidRequestError);
  });
});
