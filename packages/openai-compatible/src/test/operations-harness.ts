/**
 * Test support: a loopback server, a FakeClock, and a core Backend with the OpenAI-compatible protocol
 * and operations on top, as a provider package would wire them. Not exported from the package.
 */
import { type Backend, createBackend, FakeClock } from '@ipfs-accelerate/core';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import {
  createOpenAICompatibleOperations,
  type OpenAICompatibleConfig,
  type OpenAICompatibleOperations,
} from '../openai-compatible-operations.js';
import { openAICompatibleProtocol } from '../openai-compatible-protocol.js';

/** The key the harness's endpoint uses. */
export const HARNESS_KEY = 'sk-loopback-0123456789abcdef';

/** A running harness. */
export interface OperationsHarness {
  readonly server: ScriptedServer;
  readonly clock: FakeClock;
  readonly backend: Backend;
  readonly ops: OpenAICompatibleOperations;
  /** Replaces the backend and operations with ones built from `config` (and `baseURL`). */
  reopen(config?: Partial<OpenAICompatibleConfig>, baseURL?: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a harness: retries use a fixed 100 ms first backoff (no jitter) on the FakeClock. */
export async function startOperationsHarness(): Promise<OperationsHarness> {
  const server = await startScriptedServer({ basePath: '/v1' });
  const clock = new FakeClock(1_700_000_000_000);
  const build = (config: Partial<OpenAICompatibleConfig>, baseURL: string) => {
    const backend = createBackend({
      provider: 'compat',
      endpoints: [{ baseURL, apiKey: HARNESS_KEY }],
      protocol: openAICompatibleProtocol({ provider: 'compat' }),
      retry: { jitter: 'none', initialDelayMs: 100 },
      clock,
    });
    return { backend, ops: createOpenAICompatibleOperations(backend, { provider: 'compat', ...config }) };
  };
  let current = build({}, server.baseURL);
  return {
    server,
    clock,
    get backend() {
      return current.backend;
    },
    get ops() {
      return current.ops;
    },
    async reopen(config = {}, baseURL = server.baseURL) {
      await current.backend.destroy();
      current = build(config, baseURL);
    },
    async close() {
      await current.backend.destroy();
      await server.close();
    },
  };
}
