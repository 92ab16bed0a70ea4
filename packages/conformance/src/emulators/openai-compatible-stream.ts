import type { EmulatorRequest, StreamReply } from '../emulator/types.js';
import {
  type ChatHooks,
  type ChatPlan,
  EMULATOR_CREATED,
  EMULATOR_FINGERPRINT,
  type OpenAIChatChunk,
  wordPieces,
} from './openai-compatible-shapes.js';

/** The terminator of an OpenAI stream. */
export const OPENAI_DONE_FRAME = 'data: [DONE]\n\n';

/**
 * A chat completion as data-only SSE: a role chunk (the preamble), one chunk per word piece (or the tool call
 * header and its argument fragments), a finish chunk, then with `include_usage` a final `choices: []` chunk with
 * usage (every other chunk then has `"usage": null`); the framework appends `data: [DONE]`.
 */
export function chatStreamReply(
  plan: ChatPlan,
  request: EmulatorRequest,
  decorateChunk: ChatHooks['decorateChunk'],
): StreamReply {
  const deltas: { delta: Record<string, unknown>; finish?: string }[] = [];
  if (plan.toolCall) {
    const { id, name, arguments: args } = plan.toolCall;
    deltas.push({ delta: { role: 'assistant', content: null, refusal: null } });
    deltas.push({
      delta: { tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }] },
    });
    for (const fragment of fragmentsOf(args)) {
      deltas.push({ delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] } });
    }
  } else {
    deltas.push({ delta: { role: 'assistant', content: '', refusal: null } });
    for (const piece of wordPieces(plan.content ?? '')) deltas.push({ delta: { content: piece } });
  }
  deltas.push({ delta: {}, finish: plan.finishReason });

  const base = {
    id: plan.id,
    object: 'chat.completion.chunk' as const,
    created: EMULATOR_CREATED,
    model: plan.model,
    service_tier: 'default',
    system_fingerprint: EMULATOR_FINGERPRINT,
  };
  const chunks: OpenAIChatChunk[] = deltas.map(({ delta, finish }) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish ?? null }],
    ...(plan.includeUsage ? { usage: null } : {}),
  }));
  if (plan.includeUsage) chunks.push({ ...base, choices: [], usage: plan.usage });

  const frames = chunks.map((chunk, index) => {
    const info = { request, index, last: index === chunks.length - 1 };
    return `data: ${JSON.stringify(decorateChunk?.(chunk, info) ?? chunk)}\n\n`;
  });
  return {
    kind: 'stream',
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    frames,
    terminator: OPENAI_DONE_FRAME,
    contentStart: 1,
  };
}

/** Splits tool-call arguments into two fragments (one when too short), as the real API streams them in pieces. */
function fragmentsOf(args: string): string[] {
  if (args.length < 2) return [args];
  const middle = Math.ceil(args.length / 2);
  return [args.slice(0, middle), args.slice(middle)];
}
