/**
 * The public request and result types of the LLVM client. Field names are camelCase here and snake_case on
 * the wire (`packages/llvm/openapi.yaml` is the contract).
 */
import type { ModelInfo } from '@ipfs-accelerate/core';

/** A model's state, as the server reports it. */
export type LlvmModelStatus = 'loaded' | 'loading' | 'unloaded' | 'error';

/** Numeric precision a model runs in. */
export type LlvmPrecision = 'fp32' | 'fp16' | 'int8';

/** An optimisation level of `/optimize` and `/execute`. */
export type LlvmOptimizationLevel = 'O0' | 'O1' | 'O2' | 'O3' | 'Os' | 'Oz';

/** The seed's inference parameters (`parameters` on the wire, snake_case there). */
export interface LlvmInferParameters {
  /** `max_tokens`, a positive integer. */
  maxTokens?: number;
  /** `temperature`, >= 0. */
  temperature?: number;
  /** `top_p`, in [0, 1]. */
  topP?: number;
  /** `top_k`, a non-negative integer. */
  topK?: number;
  /** `repetition_penalty`, > 0. */
  repetitionPenalty?: number;
  /** `stop`: one sequence or several. */
  stop?: string | string[];
  /** `batch_size`: the server-side batch size hint, a positive integer. */
  batchSize?: number;
  /** `precision`. */
  precision?: LlvmPrecision;
  /** `seed`, an integer. */
  seed?: number;
  /** Extra wire parameters, sent as given (snake_case); the named fields above win over them. */
  providerOptions?: Record<string, unknown>;
}

/** `infer`: one input for one model. */
export interface LlvmInferRequest {
  /** The model id (one path segment; percent-encoded by the client). */
  model: string;
  /** Any JSON value but null or undefined: text, a tensor as nested arrays, an object of named inputs. */
  input: unknown;
  parameters?: LlvmInferParameters;
}

/** The answer of `infer`. */
export interface LlvmInferResult {
  /** The model that answered (`model_id`). */
  modelId: string;
  /** The model's output for the input, as the server sent it. */
  outputs: unknown;
  /** Facts about the run, when the server sent them (not for batched calls: those are per batch). */
  metadata?: Record<string, unknown>;
  /** Our id of the request that carried the input (the batch's, when the call was batched). */
  requestId: string;
  /** Whether the input went to the server inside a `/batch_infer` request (automatic batching). */
  batched: boolean;
}

/** `batchInfer`: several inputs for one model, in one request. */
export interface LlvmBatchInferRequest {
  model: string;
  /** At least one input; each any JSON value but null. */
  inputs: unknown[];
  parameters?: LlvmInferParameters;
}

/** The answer of `batchInfer`. */
export interface LlvmBatchInferResult {
  modelId: string;
  /** One entry per input, in order. */
  results: unknown[];
  metadata?: Record<string, unknown>;
  requestId: string;
}

/** A model of the server. `id` is the wire's `model_id`. */
export interface LlvmModel extends ModelInfo {
  /** Absent only when the server listed bare names. */
  status?: LlvmModelStatus;
  /** The model's domain, e.g. `nlp` or `vision`. */
  type?: string;
  description?: string;
  batchSupport?: boolean;
  precisionModes?: LlvmPrecision[];
  optimizationProfiles?: string[];
  details?: Record<string, unknown>;
}

/** `reload` options. */
export interface LlvmReloadRequest {
  model: string;
  /** Reload even when the model's files did not change. */
  force?: boolean;
}

/** Usage counters of one model (`/models/{id}/statistics`). */
export interface LlvmModelStatistics {
  modelId: string;
  /** Inference requests (single and batch). */
  requests: number;
  /** Inputs inferred (a batch counts each input). */
  inferences: number;
  /** Batch requests. */
  batches: number;
  /** Inference requests answered with an error. */
  errors: number;
  averageLatencyMs?: number;
  lastUsedAt?: Date;
  loadedAt?: Date;
}

/** `execute`: compile and run a program on the server. */
export interface LlvmExecuteRequest {
  /** The source code (sent as `input`). */
  code: string;
  /** `c`, `cpp`, `llvm-ir`, …; the server guesses when absent. */
  language?: string;
  optimizationLevel?: LlvmOptimizationLevel;
  /** Command-line arguments of the program. */
  args?: string[];
  stdin?: string;
  /** How long the program may run on the server, in ms (sent in seconds, as the contract says). */
  timeoutMs?: number;
  /** Extra wire parameters, sent as given; the named fields above win over them. */
  providerOptions?: Record<string, unknown>;
}

/** The answer of `execute`. Diagnostics are data: a program that does not compile has non-empty `errors`. */
export interface LlvmExecuteResult {
  /** What the program wrote to standard output. */
  output: string;
  /** Compiler and runtime diagnostics; empty on success. */
  errors: string[];
  /** The program's result value, when the server sent one (`result`, else the seed's `outputs`). */
  result?: unknown;
  /** Exit status; undefined when the program did not run. */
  exitCode?: number;
  /** How long it ran on the server, in ms (the wire's `execution_time` is seconds). */
  executionTimeMs: number;
  requestId: string;
}

/** `optimize`: run an optimisation pipeline over code. */
export interface LlvmOptimizeRequest {
  code: string;
  /** @default the server's (the seed sent `O2`) */
  level?: LlvmOptimizationLevel;
  /** A target triple, e.g. `x86_64-unknown-linux-gnu`. */
  target?: string;
  providerOptions?: Record<string, unknown>;
}

/** The answer of `optimize`. */
export interface LlvmOptimizeResult {
  optimizedCode: string;
  /** The passes that ran, in order. */
  passes: string[];
  errors: string[];
  requestId: string;
}

/** The server's health and load (`/status`). */
export interface LlvmServerStatus {
  status: 'ok' | 'degraded' | 'error';
  version?: string;
  uptimeSeconds?: number;
  modelsLoaded?: number;
  activeRequests?: number;
  requestsServed?: number;
}
