/** The Claude backend as a conformance subject, on the Anthropic emulator. */
import { type ClaudeClient, createClaude } from '@ipfs-accelerate/claude';
import { startAnthropicEmulator } from '../emulators/anthropic.js';
import { expectEqual, expectTrue } from '../suite/assert.js';
import type { CapabilityCheck, ConformanceSubject } from '../suite/types.js';
import { chatCapabilityChecks, chatSubjectCalls, taggedChat } from './chat-subject.js';

const ROUTE = 'POST /v1/messages';

/** Checks of what Claude adds to chat: token counting and a forced tool call, streamed and not. */
function claudeChecks(model: string): CapabilityCheck<ClaudeClient>[] {
  const lookup = {
    name: 'lookup',
    description: 'Looks a word up.',
    parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
  };
  const forced = {
    ...taggedChat(model, 'Look up the word tool.'),
    maxTokens: 200,
    tools: [lookup],
    toolChoice: { name: 'lookup' },
  };
  return [
    {
      name: 'counts the tokens of a prompt',
      capability: 'chat',
      async run(client) {
        const { inputTokens, requestId } = await client.countTokens(taggedChat(model, 'Count these tokens.'));
        expectTrue(inputTokens > 0, `input tokens, got ${inputTokens}`);
        expectTrue(requestId.startsWith('req_'), 'our request id on the result');
      },
    },
    {
      name: 'calls a forced tool with JSON arguments, streamed and not',
      capability: 'chat',
      async run(client) {
        const result = await client.chat(forced);
        expectEqual(result.finishReason, 'tool-calls', 'finish reason');
        const call = result.toolCalls[0];
        expectEqual(call?.name, 'lookup', 'the tool called');
        expectTrue(call && typeof JSON.parse(call.arguments) === 'object', 'arguments are a JSON object');
        const args: string[] = [];
        let finish: string | undefined;
        for await (const event of client.streamChat(forced)) {
          if (event.type === 'tool-call-delta' && event.index === 0) args.push(event.argumentsDelta);
          if (event.type === 'finish') finish = event.finishReason;
        }
        expectEqual(finish, 'tool-calls', 'streamed finish reason');
        expectTrue(typeof JSON.parse(args.join('')) === 'object', 'streamed arguments concatenate to JSON');
      },
    },
  ];
}

/**
 * Builds the Claude subject. Live mode reads `ANTHROPIC_API_KEY` (or the seed's `CLAUDE_API_KEY` /
 * `ANTHROPIC_KEY`, and `ANTHROPIC_BASE_URL`); `ANTHROPIC_MODEL` picks the model (the emulator serves it).
 */
export function claudeSubject(): ConformanceSubject<ClaudeClient> {
  const CHAT_MODEL = process.env.ANTHROPIC_MODEL ?? 'claude-3-5-haiku-latest';
  const checks = chatCapabilityChecks({ chat: CHAT_MODEL });
  return {
    name: 'claude',
    title: 'Claude',
    capabilities: ['chat', 'models'],
    usesApiKey: true,
    startEmulator: ({ apiKeys }) => startAnthropicEmulator({ apiKeys, models: [CHAT_MODEL] }),
    createClient: (options) => createClaude(options),
    ...chatSubjectCalls(CHAT_MODEL, { call: ROUTE }),
    providerRequestIds: true,
    errorCases: [
      { name: '400 invalid_request_error', fault: { kind: 'error', status: 400 }, expect: 'invalid_request' },
      {
        name: '401 authentication_error',
        fault: { kind: 'error', status: 401 },
        expect: 'authentication_failed',
      },
      { name: '402 billing_error', fault: { kind: 'error', status: 402 }, expect: 'quota_exceeded' },
      { name: '403 permission_error', fault: { kind: 'error', status: 403 }, expect: 'permission_denied' },
      { name: '404 not_found_error', fault: { kind: 'error', status: 404 }, expect: 'not_found' },
      { name: '413 request_too_large', fault: { kind: 'error', status: 413 }, expect: 'invalid_request' },
      { name: '429 rate_limit_error', fault: { kind: 'error', status: 429 }, expect: 'rate_limited' },
      { name: '500 api_error', fault: { kind: 'error', status: 500 }, expect: 'server_error' },
      { name: '504 timeout_error', fault: { kind: 'error', status: 504 }, expect: 'timeout' },
      { name: '529 overloaded_error', fault: { kind: 'error', status: 529 }, expect: 'overloaded' },
    ],
    capabilityChecks: [
      ...checks.chat,
      ...claudeChecks(CHAT_MODEL),
      ...checks.models,
    ] as ConformanceSubject<ClaudeClient>['capabilityChecks'],
    live: {
      env: ['ANTHROPIC_API_KEY', 'CLAUDE_API_KEY', 'ANTHROPIC_KEY'],
      createClient: () => createClaude(),
    },
  };
}
