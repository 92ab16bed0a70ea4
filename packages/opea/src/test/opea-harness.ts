/**
 * Test support shared by the OPEA client tests: a scripted server, a fake clock and a client on them, fresh for
 * every test, with the OPEA environment variables blanked. Module bindings are live, so tests read `server`,
 * `clock` and `client` directly after calling {@link useOpeaServer} once at the top of the file.
 */
import { FakeClock } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, vi } from 'vitest';
import { createOpea, type OpeaClient, type OpeaOptions } from '../opea-provider.js';

const VARS = ['OPEA_API_ENDPOINT', 'OPEA_API_URL', 'OPEA_API_KEY', 'OPEA_MODEL'];

/** A gateway key for tests. */
export const KEY = 'opea-gateway-key-0123456789abcdef';

export let server: ScriptedServer;
export let clock: FakeClock;
export let client: OpeaClient;

/** A client on the test server and clock (no jitter, 100 ms first backoff), with `options` on top. */
export function open(options: OpeaOptions = {}): OpeaClient {
  return createOpea({
    baseURL: server.baseURL,
    clock,
    retry: { jitter: 'none', initialDelayMs: 100 },
    ...options,
  });
}

/** Replaces the shared client with a fresh one (e.g. after changing the environment). */
export async function reopen(options: OpeaOptions = {}): Promise<void> {
  await client.destroy();
  client = open(options);
}

/** Registers the per-test set-up and tear-down in the calling test file. */
export function useOpeaServer(): void {
  beforeEach(async () => {
    for (const name of VARS) vi.stubEnv(name, '');
    server = await startScriptedServer();
    clock = new FakeClock(1_700_000_000_000);
    client = open();
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await client.destroy();
    await server.close();
  });
}

/** A ChatQnA JSON answer as the megaservice sends it. */
export const answer = {
  id: 'chatcmpl-AbC',
  object: 'chat.completion',
  created: 1741569952,
  model: 'chatqna',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'OPEA is a platform.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 0, total_tokens: 0, completion_tokens: 0 },
};
