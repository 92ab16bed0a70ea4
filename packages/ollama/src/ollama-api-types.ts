/**
 * The JSON shapes of Ollama's native API (`/api/*`) as they travel on the wire, snake_case as Ollama sends
 * them. Every field is optional on the way in: responses are checked where they are read, not trusted here.
 */

/** Runtime options of generation (`options` of chat, generate and embed). Unknown keys pass through. */
export interface OllamaModelOptions {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
  seed?: number;
  stop?: string | string[];
  /** Maximum tokens to generate; -1 = no limit, -2 = fill the context. */
  num_predict?: number;
  /** Context window, in tokens. */
  num_ctx?: number;
  repeat_penalty?: number;
  [key: string]: unknown;
}

/** A tool call as Ollama sends it: `arguments` is an object, not JSON text. */
export interface OllamaWireToolCall {
  id?: string;
  function?: { index?: number; name?: string; arguments?: unknown };
}

/** A chat message on the wire. */
export interface OllamaWireMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  images?: string[];
  thinking?: string;
  tool_calls?: Array<{ function: { name: string; arguments: Record<string, unknown> } }>;
  tool_name?: string;
}

/** The statistics every final chat/generate object carries; durations are nanoseconds. */
export interface OllamaWireStats {
  done?: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}

/** One object of `/api/chat` (the whole answer with `stream: false`, a chunk otherwise). */
export interface OllamaWireChatResponse extends OllamaWireStats {
  model?: string;
  created_at?: string;
  message?: {
    role?: string;
    content?: string;
    thinking?: string;
    tool_calls?: OllamaWireToolCall[];
  };
  error?: unknown;
}

/** One object of `/api/generate`. */
export interface OllamaWireGenerateResponse extends OllamaWireStats {
  model?: string;
  created_at?: string;
  response?: string;
  thinking?: string;
  context?: number[];
  error?: unknown;
}

/** The answer of `/api/embed`. */
export interface OllamaWireEmbedResponse {
  model?: string;
  embeddings?: unknown;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

/** `details` of a model in `/api/tags`, `/api/ps` and `/api/show`. */
export interface OllamaWireModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** One model of `/api/tags` or `/api/ps`. */
export interface OllamaWireModel {
  name?: string;
  model?: string;
  modified_at?: string;
  size?: number;
  digest?: string;
  details?: OllamaWireModelDetails;
  remote_model?: string;
  remote_host?: string;
  expires_at?: string;
  size_vram?: number;
  context_length?: number;
}

/** The answer of `/api/show`. */
export interface OllamaWireShowResponse {
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  license?: string;
  modified_at?: string;
  details?: OllamaWireModelDetails;
  model_info?: Record<string, unknown>;
  capabilities?: string[];
}

/** One progress object of `/api/pull`. */
export interface OllamaWirePullStatus {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: unknown;
}
