/**
 * The whole conformance suite against the custom client above, on the OpenAI-compatible emulator: the same
 * checks the built-in backends pass. Then the chaos soak, as `pnpm soak` runs it for the built-in backends.
 * This is how you prove a backend of your own.
 */
import {
  type ConformanceSubject,
  lastUserMessage,
  renderSoakViolations,
  runSoak,
  startOpenAIEmulator,
} from '@ipfs-accelerate/conformance';
import { describeConformance } from '@ipfs-accelerate/conformance/vitest';
import { expect, it } from 'vitest';
import { createMinimalChatClient, type MinimalChatClient } from './minimal-chat-client.js';

const MODEL = 'gpt-4o-mini';
const ROUTE = 'POST /v1/chat/completions';
const ask = (tag: string) => ({ model: MODEL, messages: [{ role: 'user' as const, content: tag }] });

const subject: ConformanceSubject<MinimalChatClient> = {
  name: 'minimal-chat',
  title: 'Minimal chat (custom)',
  capabilities: ['chat'],
  usesApiKey: true,
  startEmulator: ({ apiKeys }) => startOpenAIEmulator({ apiKeys, models: [MODEL] }),
  createClient: (options) => createMinimalChatClient(options),
  call: (client, tag, options) => client.chat(ask(tag), options),
  callRoute: ROUTE,
  stream: (client, tag, options) => client.streamText(ask(tag), options),
  streamRoute: ROUTE,
  // This client yields bare strings and has no usage event, so there is no usage to look for at the end.
  streamSummary: (events) => ({ text: (events as string[]).join('') }),
  tagOf: lastUserMessage,
  providerRequestIds: true,
  errorCases: [
    { name: '400', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
    { name: '401', fault: { kind: 'error', status: 401 }, expect: 'authentication_failed' },
    { name: '429', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
    { name: '500', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
    { name: '503', fault: { kind: 'error', status: 503 }, expect: 'overloaded' },
  ],
  capabilityChecks: [
    {
      name: 'answers with the echoed text',
      capability: 'chat',
      async run(client) {
        const result = await client.chat(ask('hello there'));
        if (!result.text.includes('hello there')) throw new Error(`unexpected answer ${result.text}`);
      },
    },
  ],
};

describeConformance(subject);

it('keeps every invariant of the chaos soak (500 requests, 30% of them faulted)', async () => {
  const report = await runSoak(subject, { requests: 500, seed: 7, faultRate: 0.3 });
  expect(renderSoakViolations([report])).toBe('');
  expect(report.settled.success + report.settled.error + report.settled.broken).toBe(report.requests);
  expect(report.faultsInjected).toBeGreaterThan(0);
});
