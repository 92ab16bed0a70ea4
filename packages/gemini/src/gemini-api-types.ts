/**
 * The JSON shapes of the Gemini API (Generative Language API, v1beta) as they travel on the wire: proto3 JSON,
 * lowerCamelCase. Responses are typed loosely (every field optional, `unknown` where the service may surprise
 * us): they are checked where they are read, never trusted here.
 */

/** A piece of a turn: text, inline bytes, a file reference, a function call or a function result. */
export interface GeminiPart {
  text?: string;
  /** A thought summary (thinking models), not part of the answer. */
  thought?: boolean;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
  [key: string]: unknown;
}

/** One turn of the conversation. */
export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

/** `generationConfig` of a GenerateContentRequest. Unknown keys pass through (from `providerOptions`). */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  candidateCount?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A function the model may call. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** The body of `:generateContent`, `:streamGenerateContent` and `countTokens.generateContentRequest`. */
export interface GeminiGenerateContentBody {
  contents: GeminiContent[];
  systemInstruction?: { parts: GeminiPart[] };
  generationConfig?: GeminiGenerationConfig;
  tools?: Array<Record<string, unknown>>;
  toolConfig?: Record<string, unknown>;
  safetySettings?: unknown[];
  [key: string]: unknown;
}

/** `usageMetadata` of a response. */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

/** A candidate answer. */
export interface GeminiWireCandidate {
  content?: { role?: string; parts?: unknown };
  finishReason?: string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
}

/** A GenerateContentResponse: the whole answer, or one chunk of a stream. */
export interface GeminiWireResponse {
  candidates?: unknown;
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** Set when the service reports a failure in-band (a stream chunk after HTTP 200). */
  error?: unknown;
}

/** A google.rpc.Status error body: `{error: {code, message, status, details}}`. */
export interface GeminiWireStatus {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown;
}

/** A model as `GET /models` describes it. */
export interface GeminiWireModel {
  name?: string;
  baseModelId?: string;
  version?: string;
  displayName?: string;
  description?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  supportedGenerationMethods?: string[];
  temperature?: number;
  maxTemperature?: number;
  topP?: number;
  topK?: number;
  thinking?: boolean;
}
