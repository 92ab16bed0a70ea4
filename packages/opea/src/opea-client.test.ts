import { InvalidRequestError, StreamError } from '@ipfs-accelerate/core';
import { collect, waitFor } from '@ipfs-accelerate/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { OpeaValidationError } from './opea-error.js';
import { answer, client, clock, reopen, server, useOpeaServer } from './test/opea-harness.js';
import { pythonTextRepr } from './test/python-repr.js';

useOpeaServer();

describe('chatQnA', () => {
  it('posts the question with stream:false and the RAG knobs, and reads the answer', async () => {
    server.reply({ json: answer });
    const result = await client.chatQnA({
      messages: 'What is OPEA?',
      maxTokens: 64,
      temperature: 0.2,
      topK: 5,
      repetitionPenalty: 1.1,
      chatTemplate: 'Context: {context}\nQ: {question}',
      retriever: { searchType: 'mmr', k: 3, fetchK: 10, lambdaMult: 0.4 },
      reranker: { topN: 2 },
    });
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/chatqna' });
    expect(server.requests[0]?.json).toEqual({
      messages: 'What is OPEA?',
      max_tokens: 64,
      temperature: 0.2,
      top_k: 5,
      repetition_penalty: 1.1,
      chat_template: 'Context: {context}\nQ: {question}',
      search_type: 'mmr',
      k: 3,
      fetch_k: 10,
      lambda_mult: 0.4,
      top_n: 2,
      stream: false,
    });
    expect(result).toMatchObject({ text: 'OPEA is a platform.', finishReason: 'stop', model: 'chatqna' });
    expect(result.usage).toBeUndefined();
    expect(result.requestId).toMatch(/^req_/);
  });

  it('sends conversations as OpenAI messages', async () => {
    server.reply({ json: answer });
    await client.chatQnA({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(server.requests[0]?.json).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: false,
    });
  });

  it('refuses bad input before any request', async () => {
    const bad: unknown[] = [
      { messages: '' },
      { messages: [] },
      { messages: 'q', temperature: 3 },
      { messages: 'q', retriever: { searchType: 'nearest' } },
      { messages: 'q', reranker: { topN: 0 } },
      { messages: 'q', chatTemplate: 'no placeholder' },
      { messages: 'q', tools: [{ name: 't', parameters: {} }] },
    ];
    for (const request of bad) {
      await expect(client.chatQnA(request as never), JSON.stringify(request)).rejects.toThrow(
        InvalidRequestError,
      );
    }
    expect(() => client.streamChatQnA({ messages: '' })).toThrow(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('turns a FastAPI 422 into an OpeaValidationError, without retrying', async () => {
    server.reply({
      status: 422,
      json: { detail: [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required' }] },
    });
    const error = await client.chatQnA({ messages: 'q' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpeaValidationError);
    expect((error as OpeaValidationError).issues).toEqual([
      { field: 'body.messages', message: 'Field required', type: 'missing' },
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 {"detail"} after the backoff', async () => {
    server.reply({ status: 500, json: { detail: 'upstream LLM failed' } });
    server.reply({ json: answer });
    const pending = client.chatQnA({ messages: 'q' });
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff sleep');
    await clock.advance(100);
    expect((await pending).text).toBe('OPEA is a platform.');
    expect(client.recentRequests(1)[0]?.attempts).toHaveLength(2);
  });
});

describe('streamChatQnA', () => {
  it("decodes b'…' frames into text and ends with one finish", async () => {
    const pieces = ['It', pythonTextRepr('\u2019s'), " 'quoted'", ' caf\u00e9 \ud83d\ude00', '\n'];
    server.reply({
      sse: [
        pythonTextRepr(pieces[0]!),
        pieces[1]!,
        pythonTextRepr(pieces[2]!),
        "b''",
        pythonTextRepr(pieces[3]!),
        pythonTextRepr(pieces[4]!),
        '[DONE]',
      ],
    });
    const events = await collect(client.streamChatQnA({ messages: 'q' }));
    expect(server.requests[0]?.json).toMatchObject({ messages: 'q', stream: true });
    expect(server.requests[0]?.headers.accept).toBe('text/event-stream');
    const text = events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
    expect(text).toBe("It\u2019s 'quoted' caf\u00e9 \ud83d\ude00\n");
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
  });

  it('is a StreamError when the stream ends without [DONE]', async () => {
    server.reply({ sse: ["b'one'", "b' two'"] });
    await expect(collect(client.streamChatQnA({ messages: 'q' }))).rejects.toBeInstanceOf(StreamError);
  });

  it('retries an upstream error that arrives before any text', async () => {
    server.reply({
      sse: [pythonTextRepr('{"error":{"message":"busy","type":"overloaded_error"}}'), '[DONE]'],
    });
    server.reply({ sse: ["b'ok'", '[DONE]'] });
    const pending = collect(client.streamChatQnA({ messages: 'q' }));
    await waitFor(() => clock.nextTimerAt() === clock.now() + 100, 'the backoff sleep');
    await clock.advance(100);
    const events = await pending;
    expect(events[0]).toEqual({ type: 'text-delta', text: 'ok' });
    expect(server.requests).toHaveLength(2);
  });
});

describe('microservices', () => {
  it('chats through /v1/chat/completions with the OPEA_MODEL default', async () => {
    vi.stubEnv('OPEA_MODEL', 'Intel/neural-chat-7b-v3-3');
    await reopen();
    server.reply({
      json: {
        ...answer,
        model: 'Intel/neural-chat-7b-v3-3',
        usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      },
    });
    const result = await client.chat({ model: '', messages: [{ role: 'user', content: 'Hi' }], topK: 4 });
    expect(server.requests[0]).toMatchObject({ url: '/v1/chat/completions' });
    expect(server.requests[0]?.json).toMatchObject({ model: 'Intel/neural-chat-7b-v3-3', top_k: 4 });
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
  });

  it('embeds without a model when none is given', async () => {
    server.reply({
      json: {
        object: 'list',
        model: 'BAAI/bge-base-en-v1.5',
        data: [
          { index: 1, object: 'embedding', embedding: [0, 1] },
          { index: 0, object: 'embedding', embedding: [1, 0] },
        ],
      },
    });
    const result = await client.embed({ model: '', input: ['a', 'b'] });
    expect(server.requests[0]).toMatchObject({ url: '/v1/embeddings' });
    expect(server.requests[0]?.json).toEqual({ input: ['a', 'b'], encoding_format: 'float' });
    expect(result.embeddings).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('retrieves documents for an embedding', async () => {
    server.reply({
      json: { retrieved_docs: [{ text: 'doc a', metadata: { source: 'a.pdf' } }, { text: 'doc b' }] },
    });
    const result = await client.retrieve({
      embedding: [0.1, 0.2],
      text: 'q',
      k: 2,
      searchType: 'similarity',
    });
    expect(server.requests[0]).toMatchObject({ url: '/v1/retrieval' });
    expect(server.requests[0]?.json).toEqual({
      embedding: [0.1, 0.2],
      input: 'q',
      k: 2,
      search_type: 'similarity',
    });
    expect(result.documents).toEqual([{ text: 'doc a', metadata: { source: 'a.pdf' } }, { text: 'doc b' }]);
    await expect(client.retrieve({ embedding: [] })).rejects.toThrow(InvalidRequestError);
  });

  it('reranks and maps texts back to positions, duplicates included', async () => {
    server.reply({
      json: {
        reranked_docs: [
          { text: 'same', score: 0.9 },
          { text: 'other', score: 0.5 },
          { text: 'same', score: 0.1 },
        ],
      },
    });
    const result = await client.rerank({
      query: 'q',
      documents: ['same', 'other', 'same'],
      returnDocuments: true,
    });
    expect(server.requests[0]).toMatchObject({ url: '/v1/reranking' });
    expect(server.requests[0]?.json).toEqual({
      input: 'q',
      retrieved_docs: [{ text: 'same' }, { text: 'other' }, { text: 'same' }],
      top_n: 3,
    });
    expect(result.results).toEqual([
      { index: 0, score: 0.9, document: 'same' },
      { index: 1, score: 0.5, document: 'other' },
      { index: 2, score: 0.1, document: 'same' },
    ]);
  });

  it('refuses a reranked text that was never sent', async () => {
    server.reply({ json: { reranked_docs: [{ text: 'invented', score: 1 }] } });
    await expect(client.rerank({ query: 'q', documents: ['a'] })).rejects.toThrow(/not one of the documents/);
  });

  it('reads the health check', async () => {
    server.reply({
      json: {
        'Service Title': 'ChatQnAService',
        Version: '1.0',
        'Service Description': 'OPEA Microservice Infrastructure',
      },
    });
    expect(await client.healthCheck()).toEqual({
      serviceTitle: 'ChatQnAService',
      version: '1.0',
      description: 'OPEA Microservice Infrastructure',
    });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/v1/health_check' });
  });
});
