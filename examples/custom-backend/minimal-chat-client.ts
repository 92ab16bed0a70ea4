/**
 * A chat client for an OpenAI-compatible server, written directly on the core: what you would do for a
 * service ipfs-accelerate does not cover. About sixty lines buy the whole pipeline: queue, priorities,
 * breaker, budgeted retry with server hints, multiplexed keys, streams retried only before content,
 * tracking, and secret redaction.
 */
import {
  type BackendControl,
  backendControl,
  type ChatRequest,
  type ClientOptions,
  createBackend,
  decodeSse,
  type EventStream,
  errorFromStatus,
  extractErrorMessage,
  InvalidRequestError,
  type RequestOptions,
  resolveEndpoints,
  ServerError,
  type SseEvent,
} from '@ipfs-accelerate/core';

/** What the client answers: the text and our request id. */
export interface MinimalChatResult {
  text: string;
  requestId: string;
}

/** The client: chat, a text stream, and the core's control surface (stats, endpoints, close). */
export interface MinimalChatClient extends BackendControl {
  chat(request: ChatRequest, options?: RequestOptions): Promise<MinimalChatResult>;
  streamText(request: ChatRequest, options?: RequestOptions): EventStream<string>;
}

type Completion = { choices?: Array<{ message?: { content?: string | null } }> };
type Chunk = { choices?: Array<{ delta?: { content?: string } }>; error?: { message?: string } };

function check(request: ChatRequest): void {
  if (!request.model || !Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidRequestError('model and at least one message are required');
  }
}

/** Builds the client. Every option of the core (endpoints, queue, retry, breaker, clock, …) applies. */
export function createMinimalChatClient(options: ClientOptions = {}): MinimalChatClient {
  const backend = createBackend({
    ...options,
    provider: 'minimal-chat',
    endpoints: resolveEndpoints(options, { provider: 'minimal-chat', baseURL: 'http://127.0.0.1:8000/v1' }),
    protocol: {
      requestIdHeaders: ['x-request-id'],
      parseError: (r) =>
        errorFromStatus({ status: r.status, message: extractErrorMessage(r.bodyJson, r.bodyText) }),
    },
  });
  const body = (request: ChatRequest, stream: boolean) => ({
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    max_tokens: request.maxTokens,
    stream,
  });
  return {
    ...backendControl(backend),
    async chat(request, requestOptions) {
      check(request);
      return backend.call(
        {
          operation: 'chat',
          path: '/chat/completions',
          json: body(request, false),
          parse: async (response, ctx) => {
            const data = await response.body.json<Completion>();
            return { text: data.choices?.[0]?.message?.content ?? '', requestId: ctx.requestId };
          },
        },
        requestOptions,
      );
    },
    streamText(request, requestOptions) {
      check(request);
      return backend.stream<SseEvent, string>(
        {
          operation: 'stream-text',
          path: '/chat/completions',
          json: body(request, true),
          decode: (b) => decodeSse(b),
          mapper: () => ({
            isTerminal: (frame) => frame.data === '[DONE]',
            map(frame) {
              if (frame.data === '[DONE]') return undefined;
              const chunk = JSON.parse(frame.data) as Chunk;
              if (chunk.error) throw new ServerError(chunk.error.message ?? 'in-band stream error');
              return chunk.choices?.[0]?.delta?.content || undefined;
            },
          }),
        },
        requestOptions,
      );
    },
  };
}
