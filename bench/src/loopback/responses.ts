/**
 * The bytes the loopback server answers with, built once: a small `chat.completion` and an SSE chat stream of
 * `chat.completion.chunk` events, shaped exactly as OpenAI sends them (wire-protocols §1).
 */

/** The model every request names and every answer echoes. */
export const BENCH_MODEL = 'gpt-4o-mini';

/** The text of the non-streaming answer. */
export const CHAT_TEXT = 'Hello! How can I help you today?';

/** A small non-streaming answer (about 300 bytes). */
export function chatCompletionJson(): string {
  return JSON.stringify({
    id: 'chatcmpl-bench0001',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: BENCH_MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: CHAT_TEXT, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18 },
    system_fingerprint: 'fp_bench',
  });
}

function chunk(delta: Record<string, unknown>, finishReason: string | null, usage?: unknown): string {
  const body: Record<string, unknown> = {
    id: 'chatcmpl-bench0001',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: BENCH_MODEL,
    system_fingerprint: 'fp_bench',
    choices:
      finishReason === 'usage' ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  if (usage !== undefined) body.usage = usage;
  return `data: ${JSON.stringify(body)}\n\n`;
}

/**
 * An SSE chat stream with `contentEvents` text deltas: a role chunk, the deltas, a finish chunk, the usage
 * chunk (`choices: []`, as with `stream_options.include_usage`) and `data: [DONE]`.
 */
export function chatStreamText(contentEvents: number): string {
  const parts: string[] = [chunk({ role: 'assistant', content: '' }, null)];
  for (let i = 0; i < contentEvents; i++) parts.push(chunk({ content: `tok${i} ` }, null));
  parts.push(chunk({}, 'stop'));
  parts.push(
    chunk({}, 'usage', {
      prompt_tokens: 9,
      completion_tokens: contentEvents,
      total_tokens: 9 + contentEvents,
    }),
  );
  parts.push('data: [DONE]\n\n');
  return parts.join('');
}
