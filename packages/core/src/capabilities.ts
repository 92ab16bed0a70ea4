/**
 * The capability interfaces every backend implements a subset of, so the conformance suite (and users) can
 * drive any backend generically. Provider-only operations (Ollama pull, S3 multipart, …) sit beside these.
 */
import type { RequestOptions } from './request-options.js';
import type { TokenUsage } from './tracking/request-tracker.js';

export type { TokenUsage };

/** A part of a multi-modal message. */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image' /** base64 data */; data: string; mediaType: string }
  | { type: 'image-url'; url: string };

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** A tool call made by the model. `arguments` is the JSON text the model produced. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One chat message. Tool results use role `tool` with `toolCallId`. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | ContentPart[];
  /** For role `assistant`: the tool calls it made. */
  toolCalls?: ToolCall[];
  /** For role `tool`: the call this message answers. */
  toolCallId?: string;
  name?: string;
}

/** A chat request in the common vocabulary; each provider maps it to its wire format. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  tools?: ToolDefinition[];
  toolChoice?: 'auto' | 'none' | 'required' | { name: string };
  /** Ask for JSON output: any JSON object, or one matching a JSON Schema (where the service supports it). */
  responseFormat?:
    | 'text'
    | 'json'
    | { type: 'json-schema'; name: string; schema: Record<string, unknown>; strict?: boolean };
  /** Passed through to the wire body of this provider, for options the common vocabulary lacks. */
  providerOptions?: Record<string, unknown>;
}

/** Why generation stopped. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

/** The result of a non-streaming chat call. */
export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage?: TokenUsage;
  model?: string;
  /** Our request id (`req_…`), as in the tracking ledger. */
  requestId: string;
  /** The service's own request id, when it sent one. */
  providerRequestId?: string;
}

/** Events of a chat stream, in order: deltas, then exactly one `finish`. */
export type ChatStreamEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'finish'; finishReason: FinishReason; usage?: TokenUsage };

/** A stream of events that also tells which request produced it. */
export interface EventStream<E> extends AsyncIterable<E> {
  /** Our request id, known as soon as the stream is created. */
  readonly requestId: string;
}

/** Chat, one-shot and streaming. */
export interface ChatCapability {
  chat(request: ChatRequest, options?: RequestOptions): Promise<ChatResult>;
  streamChat(request: ChatRequest, options?: RequestOptions): EventStream<ChatStreamEvent>;
}

/** An embedding request; `input` may be one text or many. */
export interface EmbedRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  providerOptions?: Record<string, unknown>;
}

/** Embeddings in the order of the inputs. */
export interface EmbedResult {
  embeddings: number[][];
  usage?: TokenUsage;
  model?: string;
  requestId: string;
  providerRequestId?: string;
}

/** Text embeddings. */
export interface EmbedCapability {
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult>;
}

/** A rerank request: score `documents` against `query`. */
export interface RerankRequest {
  model?: string;
  query: string;
  documents: string[];
  topN?: number;
  returnDocuments?: boolean;
}

/** Rerank results, best first. */
export interface RerankResult {
  results: Array<{ index: number; score: number; document?: string }>;
  requestId: string;
  providerRequestId?: string;
}

/** Reranking. */
export interface RerankCapability {
  rerank(request: RerankRequest, options?: RequestOptions): Promise<RerankResult>;
}

/** Tensor element types of the KServe v2 protocol. */
export type TensorDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES';

/** A named, typed tensor with its data flattened in row-major order. */
export interface Tensor {
  name: string;
  datatype: TensorDatatype;
  shape: number[];
  data: Array<number | string | boolean>;
  parameters?: Record<string, unknown>;
}

/** A tensor inference request. */
export interface TensorInferenceRequest {
  model: string;
  version?: string;
  inputs: Tensor[];
  outputs?: Array<{ name: string; parameters?: Record<string, unknown> }>;
  parameters?: Record<string, unknown>;
}

/** A tensor inference result. */
export interface TensorInferenceResult {
  model: string;
  version?: string;
  outputs: Tensor[];
  requestId: string;
  providerRequestId?: string;
}

/** Tensor inference (KServe v2 and similar). */
export interface TensorInferenceCapability {
  infer(request: TensorInferenceRequest, options?: RequestOptions): Promise<TensorInferenceResult>;
}

/** Metadata of a stored object. */
export interface ObjectInfo {
  key: string;
  size?: number;
  etag?: string;
  lastModified?: Date;
  contentType?: string;
}

/** Object storage. */
export interface ObjectStoreCapability {
  putObject(
    input: { bucket: string; key: string; body: string | Uint8Array; contentType?: string },
    options?: RequestOptions,
  ): Promise<{ etag?: string; requestId: string }>;
  getObject(
    input: { bucket: string; key: string; range?: { start: number; end?: number } },
    options?: RequestOptions,
  ): Promise<{ body: Uint8Array; info: ObjectInfo; requestId: string }>;
  headObject(input: { bucket: string; key: string }, options?: RequestOptions): Promise<ObjectInfo>;
  deleteObject(input: { bucket: string; key: string }, options?: RequestOptions): Promise<void>;
  listObjects(
    input: { bucket: string; prefix?: string },
    options?: RequestOptions,
  ): AsyncIterable<ObjectInfo>;
}

/** A model the service offers. */
export interface ModelInfo {
  id: string;
  ownedBy?: string;
  createdAt?: Date;
}

/** The model catalogue. */
export interface ModelCatalogCapability {
  listModels(options?: RequestOptions): Promise<ModelInfo[]>;
}

/** The capability names a backend declares, for the conformance suite. */
export type CapabilityName = 'chat' | 'embed' | 'rerank' | 'tensor-inference' | 'object-store' | 'models';
