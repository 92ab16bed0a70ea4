import type { ChatRequest } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { buildGeminiGenerateBody } from './gemini-chat-request.js';

const model = 'gemini-2.0-flash';
const user = { role: 'user' as const, content: 'hi' };

describe('convertToGeminiContents', () => {
  it('maps roles: system -> systemInstruction, assistant -> model, tool results -> functionResponse (user)', () => {
    const prompt = convertToGeminiContents([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        toolCalls: [
          { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_1', name: 'get_time', arguments: '' },
        ],
      },
      { role: 'tool', toolCallId: 'call_0', content: '{"temp":21}' },
      { role: 'tool', toolCallId: 'call_1', content: '12:00' },
      { role: 'system', content: 'and polite' },
      { role: 'assistant', content: 'It is 21 degrees.' },
    ]);
    expect(prompt.systemInstruction).toEqual({ parts: [{ text: 'be brief' }, { text: 'and polite' }] });
    expect(prompt.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather in Paris?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { name: 'get_time', response: { result: '12:00' } } },
        ],
      },
      { role: 'model', parts: [{ text: 'It is 21 degrees.' }] },
    ]);
  });

  it('maps images to inlineData (base64 parts and data: URLs) and other URLs to fileData', () => {
    const prompt = convertToGeminiContents([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'image-url', url: 'data:image/jpeg;base64,/9j/4AAQ' },
          { type: 'image-url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc' },
        ],
      },
    ]);
    expect(prompt.contents[0]?.parts).toEqual([
      { text: 'what is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
      { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
    ]);
  });

  it('a tool result named by `name` wins; JSON that is not an object is wrapped as {result}', () => {
    const prompt = convertToGeminiContents([user, { role: 'tool', name: 'lookup', content: '[1,2]' }]);
    expect(prompt.contents[0]?.parts[1]).toEqual({
      functionResponse: { name: 'lookup', response: { result: [1, 2] } },
    });
  });

  it.each([
    ['no messages', []],
    ['only system messages', [{ role: 'system', content: 'x' }]],
    ['an unknown role', [{ role: 'robot', content: 'x' }]],
    ['a tool result answering no known call', [user, { role: 'tool', toolCallId: 'nope', content: 'x' }]],
    [
      'tool arguments that are not a JSON object',
      [user, { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '[1]' }] }],
    ],
    ['an image without a media type', [{ role: 'user', content: [{ type: 'image', data: 'AAAA' }] }]],
    [
      'a non-text part in a system message',
      [{ role: 'system', content: [{ type: 'image', data: 'A', mediaType: 'image/png' }] }, user],
    ],
  ])('refuses %s', (_name, messages) => {
    expect(() => convertToGeminiContents(messages)).toThrowError(
      expect.objectContaining({ name: 'InvalidRequestError' }),
    );
  });
});

describe('buildGeminiGenerateBody', () => {
  it('maps sampling fields to generationConfig', () => {
    const body = buildGeminiGenerateBody({
      model,
      messages: [user],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      maxTokens: 100,
      stop: ['END'],
      seed: 7,
    });
    expect(body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: {
        temperature: 0.5,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 100,
        stopSequences: ['END'],
        seed: 7,
      },
    });
  });

  it('maps responseFormat to responseMimeType and responseSchema', () => {
    expect(
      buildGeminiGenerateBody({ model, messages: [user], responseFormat: 'json' }).generationConfig,
    ).toEqual({
      responseMimeType: 'application/json',
    });
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      buildGeminiGenerateBody({
        model,
        messages: [user],
        responseFormat: { type: 'json-schema', name: 'x', schema },
      }).generationConfig,
    ).toEqual({ responseMimeType: 'application/json', responseSchema: schema });
  });

  it('maps tools to functionDeclarations (an empty object schema left out) and toolChoice to toolConfig', () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const body = buildGeminiGenerateBody({
      model,
      messages: [user],
      tools: [
        { name: 'get_weather', description: 'Weather', parameters },
        { name: 'get_time', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { name: 'get_weather' },
      providerOptions: { tools: [{ googleSearch: {} }] },
    });
    expect(body.tools).toEqual([
      { googleSearch: {} },
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather', parameters },
          { name: 'get_time' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    for (const [choice, mode] of [
      ['auto', 'AUTO'],
      ['none', 'NONE'],
      ['required', 'ANY'],
    ] as const) {
      expect(buildGeminiGenerateBody({ model, messages: [user], toolChoice: choice }).toolConfig).toEqual({
        functionCallingConfig: { mode },
      });
    }
  });

  it('merges providerOptions underneath: safetySettings pass, typed generationConfig fields win', () => {
    const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
    const body = buildGeminiGenerateBody({
      model,
      messages: [user],
      temperature: 0.1,
      providerOptions: {
        safetySettings,
        generationConfig: { temperature: 1.5, thinkingConfig: { thinkingBudget: 0 } },
        toolConfig: { retrievalConfig: { languageCode: 'en' } },
      },
      toolChoice: 'auto',
    });
    expect(body.safetySettings).toEqual(safetySettings);
    expect(body.generationConfig).toEqual({ temperature: 0.1, thinkingConfig: { thinkingBudget: 0 } });
    expect(body.toolConfig).toEqual({
      retrievalConfig: { languageCode: 'en' },
      functionCallingConfig: { mode: 'AUTO' },
    });
  });

  it.each<[string, Partial<ChatRequest>]>([
    ['a temperature above 2', { temperature: 2.5 }],
    ['a fractional maxTokens', { maxTokens: 1.5 }],
    ['a topK of 0', { topK: 0 }],
    ['stop that is not a string array', { stop: 'END' as unknown as string[] }],
    ['an unknown responseFormat', { responseFormat: 'yaml' as unknown as 'json' }],
    ['an unknown toolChoice', { toolChoice: 'sometimes' as unknown as 'auto' }],
    ['a tool without parameters', { tools: [{ name: 'f' } as never] }],
    ['providerOptions that is not an object', { providerOptions: [] as unknown as Record<string, unknown> }],
  ])('refuses %s before any request', (_name, patch) => {
    expect(() => buildGeminiGenerateBody({ model, messages: [user], ...patch })).toThrowError(
      expect.objectContaining({ name: 'InvalidRequestError' }),
    );
  });
});
