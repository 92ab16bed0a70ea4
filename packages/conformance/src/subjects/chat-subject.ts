/**
 * Shared pieces of subjects whose backends chat: the tag a call carries (the last user message), the stream
 * summary, and capability checks that hold on an emulator and on the real service alike.
 */
import type {
  BackendControl,
  ChatCapability,
  ChatRequest,
  ChatStreamEvent,
  EmbedCapability,
  ModelCatalogCapability,
} from '@ipfs-accelerate/core';
import type { EmulatorRequest } from '../emulator/types.js';
import { drain, expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';

/** A chat request whose last user message is `tag`, small enough for live runs. */
export function taggedChat(model: string, tag: string): ChatRequest {
  return { model, messages: [{ role: 'user', content: tag }], maxTokens: 16 };
}

/** Reads the last user message of a logged chat request (OpenAI and Ollama wire shapes alike). */
export function lastUserMessage(request: EmulatorRequest): string | undefined {
  const body = request.json as { messages?: Array<{ role?: string; content?: unknown }> } | undefined;
  const messages = body?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return undefined;
}

/** The concatenated text of a chat stream, and whether its last event is a finish carrying usage. */
export function summariseChatStream(events: readonly unknown[]): { text: string; usageAtEnd: boolean } {
  const chat = events as ChatStreamEvent[];
  const text = chat.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
  const last = chat.at(-1);
  return { text, usageAtEnd: last?.type === 'finish' && (last.usage?.outputTokens ?? 0) > 0 };
}

type ChatClient = BackendControl & ChatCapability;

/**
 * The call and stream of a chat subject: a tagged chat (the tag as the last user message), and where the
 * emulator receives each. `tagOf` reads the tag back (OpenAI and Ollama shapes by default).
 */
export function chatSubjectCalls<C extends ChatClient>(
  model: string,
  routes: { call: string; stream?: string },
  tagOf: (request: EmulatorRequest) => string | undefined = lastUserMessage,
): Pick<ConformanceSubject<C>, 'call' | 'callRoute' | 'stream' | 'streamRoute' | 'streamSummary' | 'tagOf'> {
  return {
    call: (client, tag, options) => client.chat(taggedChat(model, tag), options),
    callRoute: routes.call,
    stream: (client, tag, options) => client.streamChat(taggedChat(model, tag), options),
    streamRoute: routes.stream ?? routes.call,
    streamSummary: summariseChatStream,
    tagOf,
  };
}

/** Capability checks for chat, streaming chat, embeddings and the model list. */
export function chatCapabilityChecks(models: { chat: string; embed?: string }): {
  chat: CapabilityCheck<ChatClient>[];
  embed: CapabilityCheck<BackendControl & EmbedCapability>[];
  models: CapabilityCheck<BackendControl & ModelCatalogCapability>[];
} {
  return {
    chat: [
      {
        name: 'answers with text, a finish reason and usage',
        capability: 'chat',
        async run(client) {
          const result = await client.chat(taggedChat(models.chat, 'Say hello in one word.'));
          expectTrue(result.text.length > 0, 'a non-empty answer');
          expectTrue(
            ['stop', 'length'].includes(result.finishReason),
            `finish reason, got ${result.finishReason}`,
          );
          expectTrue((result.usage?.inputTokens ?? 0) > 0, 'input tokens reported');
          expectTrue(result.requestId.startsWith('req_'), 'our request id on the result');
        },
      },
      {
        name: 'streams deltas and ends with one finish event',
        capability: 'chat',
        async run(client) {
          const events = await drain(client.streamChat(taggedChat(models.chat, 'Count to three.')));
          const finishes = events.filter((e) => e.type === 'finish');
          expectEqual(finishes.length, 1, 'finish events');
          expectEqual(events.at(-1)?.type, 'finish', 'the last event');
          expectTrue(
            events.some((e) => e.type === 'text-delta' && e.text.length > 0),
            'text deltas',
          );
        },
      },
    ],
    embed: models.embed
      ? [
          {
            name: 'embeds several inputs, in order, with one dimension',
            capability: 'embed',
            async run(client) {
              const result = await client.embed({
                model: models.embed!,
                input: ['first text', 'second text'],
              });
              expectEqual(result.embeddings.length, 2, 'vectors');
              const [a, b] = result.embeddings;
              expectTrue(
                a && b && a.length > 0 && a.length === b.length,
                'vectors of one non-zero dimension',
              );
              expectTrue(
                a.some((x, i) => x !== b[i]),
                'different texts give different vectors',
              );
            },
          },
        ]
      : [],
    models: [
      {
        name: 'lists the available models',
        capability: 'models',
        async run(client) {
          const list = await client.listModels();
          expectTrue(
            list.length > 0 && list.every((m) => typeof m.id === 'string' && m.id.length > 0),
            'model ids',
          );
        },
      },
    ],
  };
}
