import { countWords, wordPieces } from './openai-compatible-shapes.js';

export { countWords, wordPieces };

/** The models of an emulator started without `models`, newest first (the order `/v1/models` lists them in). */
export const ANTHROPIC_EMULATOR_DEFAULT_MODELS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-3-5-haiku-latest',
  'claude-3-haiku-20240307',
];

/** `created_at` of the newest model; each later model in the list is one day older. */
export const ANTHROPIC_EMULATOR_EPOCH = Date.parse('2025-01-01T00:00:00Z');

/** Counters shared by the routes of one emulator (ids are counters, never random). */
export interface AnthropicEmulatorState {
  messages: number;
  toolUses: number;
  tokensUsed: number;
}

/** A JSON object of a request body. */
export type JsonObject = Record<string, unknown>;

/** A content block the emulated model produces. */
export type PlannedBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: JsonObject };

/** What the emulated model answers: its blocks, why it stopped, and the token counts. */
export interface MessagePlan {
  readonly id: string;
  readonly model: string;
  readonly blocks: readonly PlannedBlock[];
  readonly stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  readonly stopSequence: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** The `usage` object of a Message, as the API sends it. */
export function usageOf(inputTokens: number, outputTokens: number): JsonObject {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** A Message object (`type: "message"`) for a plan. */
export function messageOf(plan: MessagePlan): JsonObject {
  return {
    id: plan.id,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: plan.blocks.map((block) => ({ ...block })),
    stop_reason: plan.stopReason,
    stop_sequence: plan.stopSequence,
    usage: usageOf(plan.inputTokens, plan.outputTokens),
  };
}

/** Whether `value` is a JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text a block carries for token counting and echoing: text, tool results, tool inputs. */
function blockText(block: unknown): string {
  if (!isObject(block)) return '';
  if (block.type === 'text' && typeof block.text === 'string') return block.text;
  if (block.type === 'tool_result') return contentText(block.content);
  if (block.type === 'tool_use') return JSON.stringify(block.input ?? {});
  return '';
}

/** The text of a message's (or system's) content: the string, or its blocks' texts joined by a space. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(blockText)
    .filter((text) => text !== '')
    .join(' ');
}

/**
 * The emulator's token count of a prompt: the words of the system prompt and of every message. Messages and
 * count_tokens use it alike, so `usage.input_tokens` equals what count_tokens said for the same prompt.
 */
export function promptTokens(body: JsonObject): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.reduce(
    (sum: number, message: unknown) =>
      sum + countWords(contentText(isObject(message) ? message.content : '')),
    countWords(contentText(body.system)),
  );
}
