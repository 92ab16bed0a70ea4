/**
 * The one chat request every candidate sends, in our common shape and on the wire, so that all of them put
 * the same bytes on the socket (the smoke test checks this against a capturing server).
 */
import type { ChatRequest } from '@ipfs-accelerate/core';
import { BENCH_MODEL } from './loopback/responses.js';

/** The key sent to the loopback server (it only checks that one is present). Not a credential of anything. */
export const LOOPBACK_API_KEY = 'bench-loopback-key';

/** The request in our common shape. */
export const CHAT_REQUEST: ChatRequest = {
  model: BENCH_MODEL,
  messages: [{ role: 'user', content: 'Say hello' }],
  maxTokens: 16,
};

/** The same request as OpenAI's wire body (what our client builds from {@link CHAT_REQUEST}). */
export function chatWireBody(): {
  model: string;
  messages: { role: 'user'; content: string }[];
  max_completion_tokens: number;
} {
  return {
    model: BENCH_MODEL,
    messages: [{ role: 'user', content: 'Say hello' }],
    max_completion_tokens: 16,
  };
}

/** The streaming variant, as our client and the official one send it. */
export function streamWireBody(): ReturnType<typeof chatWireBody> & {
  stream: true;
  stream_options: { include_usage: true };
} {
  return { ...chatWireBody(), stream: true, stream_options: { include_usage: true } };
}

/** The headers a hand-written client sends with a JSON body. */
export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json',
  authorization: `Bearer ${LOOPBACK_API_KEY}`,
});
