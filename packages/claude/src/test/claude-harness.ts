/**
 * Test support for the loopback tests of the client: Anthropic wire shapes, and a harness that gives every
 * test a fresh scripted server with the developer's ANTHROPIC_* / CLAUDE_* variables blanked. Not exported.
 */
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import { type ClaudeClient, type ClaudeOptions, createClaude } from '../claude-client.js';

/** The harness client's key. */
export const KEY = 'sk-ant-api03-secret-7f3a9c2e11d04b5a';
/** The model of the requests. */
export const MODEL = 'claude-3-5-haiku-latest';
/** A minimal chat request. */
export const hi = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hi' }] };
/** Every variable the client reads. */
export const CLAUDE_ENV_VARS = ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY', 'ANTHROPIC_KEY', 'ANTHROPIC_BASE_URL'];

/** A Message body with one text block. */
export const message = (text: string, extra: Record<string, unknown> = {}) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [{ type: 'text', text }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 3, output_tokens: 2 },
  ...extra,
});

/** Named SSE events, as Anthropic writes them. */
export const events = (...list: Array<Record<string, unknown>>) =>
  list.map((data) => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`).join('');

/** A whole text stream: one delta per word, usage 4 in / 6 out. */
export const textStream = (text: string) =>
  events(
    {
      type: 'message_start',
      message: { id: 'msg_s', content: [], usage: { input_tokens: 4, output_tokens: 1 } },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    ...text.split(' ').map((word, i) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: i === 0 ? word : ` ${word}` },
    })),
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 6 },
    },
    { type: 'message_stop' },
  );

/** Response headers of an event stream. */
export const SSE = { 'content-type': 'text/event-stream' };
/** The in-band overload event. */
export const overloadedFrame =
  'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';

/** What {@link useClaudeHarness} hands a test. */
export interface ClaudeHarness {
  /** This test's scripted server. */
  readonly server: ScriptedServer;
  /** A client on the server with the harness key and no retries, unless overridden. */
  client(options?: ClaudeOptions): ClaudeClient;
}

/** Registers the per-test server and environment; call at the top of a test file. */
export function useClaudeHarness(): ClaudeHarness {
  let server: ScriptedServer | undefined;
  const clients: ClaudeClient[] = [];
  beforeEach(async () => {
    for (const name of CLAUDE_ENV_VARS) vi.stubEnv(name, '');
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await server?.close();
    vi.unstubAllEnvs();
  });
  return {
    get server() {
      if (!server) throw new Error('the harness server exists only inside a test');
      return server;
    },
    client(options = {}) {
      const c = createClaude({
        baseURL: this.server.origin,
        apiKey: KEY,
        retry: { maxRetries: 0 },
        ...options,
      });
      clients.push(c);
      return c;
    },
  };
}
