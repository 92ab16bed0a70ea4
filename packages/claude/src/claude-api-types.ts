/**
 * The wire shapes of Anthropic's Messages API that the client reads and writes (a subset: newer snapshots add
 * fields, and the parsers tolerate any extra keys). Source: the API reference and `@anthropic-ai/sdk`
 * `src/resources/messages/messages.ts`.
 */

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** A text content block. */
export interface ClaudeTextBlock {
  type: 'text';
  text: string;
  [key: string]: unknown;
}

/** An image content block (base64 data or a URL). */
export interface ClaudeImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}

/** A tool call the assistant made. `input` is the parsed arguments object. */
export interface ClaudeToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: JsonObject;
}

/** The result of a tool call, sent back in a user message. */
export interface ClaudeToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string | ClaudeTextBlock[];
  is_error?: boolean;
}

/** A block of a request message. */
export type ClaudeWireContentBlock =
  | ClaudeTextBlock
  | ClaudeImageBlock
  | ClaudeToolUseBlock
  | ClaudeToolResultBlock;

/** A message of the request body. */
export interface ClaudeWireMessage {
  role: 'user' | 'assistant';
  content: string | ClaudeWireContentBlock[];
}

/** A tool definition of the request body. */
export interface ClaudeWireTool {
  name: string;
  description?: string;
  input_schema: JsonObject;
}

/** `tool_choice` of the request body. */
export type ClaudeWireToolChoice =
  | { type: 'auto' }
  | { type: 'any' }
  | { type: 'none' }
  | { type: 'tool'; name: string };

/** The body of `POST /v1/messages`. Keys from `providerOptions` ride along. */
export interface ClaudeMessagesBody {
  model: string;
  messages: ClaudeWireMessage[];
  max_tokens: number;
  system?: string | ClaudeTextBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: ClaudeWireTool[];
  tool_choice?: ClaudeWireToolChoice;
  [key: string]: unknown;
}

/** `usage` of a Message or a `message_delta` event (fields may be absent or null). */
export interface ClaudeWireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [key: string]: unknown;
}

/** A response content block as the service sends it (text, tool_use, thinking, redacted_thinking, …). */
export interface ClaudeResponseBlock {
  type: string;
  [key: string]: unknown;
}

/** The `Message` object of a non-streamed answer. */
export interface ClaudeWireMessageResponse {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: unknown;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: ClaudeWireUsage;
  [key: string]: unknown;
}

/** The error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface ClaudeWireError {
  type?: string;
  error?: { type?: string; message?: string; [key: string]: unknown };
  request_id?: string;
}

/** `ModelInfo` of `GET /v1/models`. */
export interface ClaudeWireModel {
  type?: string;
  id?: string;
  display_name?: string;
  created_at?: string;
  max_input_tokens?: number | null;
  max_tokens?: number | null;
  [key: string]: unknown;
}

/** A page of `GET /v1/models`. */
export interface ClaudeWireModelPage {
  data?: unknown;
  has_more?: boolean;
  first_id?: string | null;
  last_id?: string | null;
}
