import type { ChatMessage } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { convertToClaudeMessages } from './convert-to-claude-messages.js';

describe('convertToClaudeMessages', () => {
  it('hoists system messages and keeps a single text as a string', () => {
    expect(
      convertToClaudeMessages([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ]),
    ).toEqual({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('several system messages become text blocks, in order', () => {
    const { system } = convertToClaudeMessages([
      { role: 'system', content: 'One.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: [{ type: 'text', text: 'Two.' }] },
    ]);
    expect(system).toEqual([
      { type: 'text', text: 'One.' },
      { type: 'text', text: 'Two.' },
    ]);
  });

  it('a tool round trip: tool_use blocks with parsed input, tool results merged into one user turn', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [
          { id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_2', name: 'weather', arguments: '' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: 'sunny' },
      { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'rain' }] },
      { role: 'user', content: 'Thanks, summarise.' },
    ];
    expect(convertToClaudeMessages(messages).messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'rain' }] },
          { type: 'text', text: 'Thanks, summarise.' },
        ],
      },
    ]);
  });

  it('an assistant turn of tool calls only has no empty text block', () => {
    const { messages } = convertToClaudeMessages([
      { role: 'user', content: 'x' },
      { role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'f', arguments: '{}' }] },
      { role: 'tool', toolCallId: 't', content: 'ok' },
    ]);
    expect(messages[1]?.content).toEqual([{ type: 'tool_use', id: 't', name: 'f', input: {} }]);
  });

  it('images: base64 and URL sources', () => {
    const { messages } = convertToClaudeMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'image-url', url: 'https://example.com/cat.jpg' },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('merges consecutive turns of one role', () => {
    const { messages } = convertToClaudeMessages([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
    expect(messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
      },
    ]);
  });

  it('allows an empty final assistant turn (prefill) only at the end', () => {
    expect(
      convertToClaudeMessages([
        { role: 'user', content: 'a' },
        { role: 'assistant', content: '' },
      ]).messages,
    ).toHaveLength(2);
    expect(() =>
      convertToClaudeMessages([
        { role: 'user', content: '' },
        { role: 'assistant', content: 'x' },
      ]),
    ).toThrow(/user turn has no content/);
  });

  it.each([
    [[], /non-empty array/],
    ['hi', /non-empty array/],
    [[{ role: 'wizard', content: 'x' }], /role must be one of/],
    [[{ role: 'system', content: 'only system' }], /at least one user or assistant/],
    [[{ role: 'tool', content: 'x' }], /toolCallId/],
    [[{ role: 'user', content: 42 }], /content must be a string or an array/],
    [[{ role: 'user', content: [{ type: 'audio' }] }], /type must be text, image or image-url/],
    [[{ role: 'user', content: [{ type: 'image', data: 'x', mediaType: 'image/bmp' }] }], /mediaType/],
    [[{ role: 'assistant', content: [{ type: 'image-url', url: 'https://x' }] }], /only user messages/],
    [
      [{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '{' }] }],
      /not valid JSON/,
    ],
    [
      [{ role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '[1]' }] }],
      /must be a JSON object/,
    ],
    [[{ role: 'assistant', content: '', toolCalls: [{ name: 'f', arguments: '{}' }] }], /\.id must be/],
    [[{ role: 'system', content: [{ type: 'image-url', url: 'x' }] }], /must be a text part/],
  ])('refuses %j', (messages, message) => {
    expect(() => convertToClaudeMessages(messages)).toThrow(message);
    try {
      convertToClaudeMessages(messages);
    } catch (error) {
      expect(error).toMatchObject({ name: 'InvalidRequestError', provider: 'claude' });
    }
  });
});
