/**
 * @ipfs-accelerate/core: the resilience pipeline shared by every ipfs-accelerate client.
 *
 * Provider packages call {@link createBackend} with a {@link ProtocolAdapter}; users get the queue, breaker,
 * retry, transport, streams and tracking for free, and can build their own backends the same way.
 */
export { linkAbort } from './abort.js';
export {
  type AcquireOptions,
  AdmissionQueue,
  type AdmissionQueueLimits,
  type AdmissionQueueOptions,
  DEFAULT_QUEUE_OPTIONS,
  type OverflowPolicy,
  type Permit,
  type QueueOptions,
} from './admission-queue.js';
export {
  type AttemptContext,
  Backend,
  type BackendOptions,
  type BackendStats,
  type CallSpec,
  createBackend,
  type FrameMapper,
  type StreamSpec,
  type TimeoutOptions,
} from './backend.js';
export {
  type Backoff,
  type BackoffOptions,
  createBackoff,
  DEFAULT_BACKOFF_OPTIONS,
  JITTERS,
  type Jitter,
} from './backoff.js';
export {
  type BatchAddOptions,
  type BatchContext,
  Batcher,
  type BatcherOptions,
  DEFAULT_BATCHER_OPTIONS,
} from './batcher.js';
export {
  DEFAULT_TIME_WINDOW_BUCKETS,
  type FailureRatioOptions,
  type FailureRatioWindow,
} from './breaker-windows.js';
export type {
  CapabilityName,
  ChatCapability,
  ChatMessage,
  ChatRequest,
  ChatResult,
  ChatStreamEvent,
  ContentPart,
  EmbedCapability,
  EmbedRequest,
  EmbedResult,
  EventStream,
  FinishReason,
  ModelCatalogCapability,
  ModelInfo,
  ObjectInfo,
  ObjectStoreCapability,
  RerankCapability,
  RerankRequest,
  RerankResult,
  Tensor,
  TensorDatatype,
  TensorInferenceCapability,
  TensorInferenceRequest,
  TensorInferenceResult,
  TokenUsage,
  ToolCall,
  ToolDefinition,
} from './capabilities.js';
export {
  type BreakerOptions,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerStateChange,
  type BreakerTicket,
  type BreakerTransitionReason,
  CircuitBreaker,
  DEFAULT_BREAKER_OPTIONS,
  type OpenGrowthOptions,
} from './circuit-breaker.js';
export {
  type BackendControl,
  backendControl,
  type ClientOptions,
  type EndpointDefaults,
  readEnv,
  resolveEndpoints,
} from './client.js';
export { type Clock, FakeClock, flushMicrotasks, systemClock, type TimerHandle } from './clock.js';
export {
  type EndpointConfig,
  type EndpointDescription,
  type EndpointPatch,
  EndpointPool,
  Lane,
  type LaneInfo,
  type LaneStrategy,
  normalizeBaseURL,
} from './endpoints.js';
export * from './errors/index.js';
export {
  applyRetryHint,
  buildUrl,
  type ErrorResponse,
  extractErrorMessage,
  type HttpSpec,
  type PreparedRequest,
  type ProtocolAdapter,
  type QueryParams,
  type RequestBody,
} from './http-exchange.js';
export { jsonCall } from './json-call.js';
export {
  createRedactor,
  REDACTED,
  type Redactor,
  redactError,
  redactHeaders,
  SENSITIVE_HEADERS,
  Secret,
  secret,
} from './redact.js';
export {
  PRIORITIES,
  type Priority,
  type RequestOptions,
  validateRequestOptions,
} from './request-options.js';
export {
  DEFAULT_RETRY_BUDGET_OPTIONS,
  RetryBudget,
  type RetryBudgetOptions,
  type RetryKind,
} from './retry-budget.js';
export {
  type HeaderBag,
  parseDuration,
  parseGoogleRetryDelay,
  parseRateLimitHeaders,
  parseRetryAfter,
  parseRetryAfterMs,
  parseShouldRetry,
  type RateLimitInfo,
  type RetryHint,
  type RetryHintSource,
  readRetryHint,
} from './retry-hints.js';
export {
  DEFAULT_RETRY_OPTIONS,
  type DelaySource,
  type RetryDecision,
  type RetryOptions,
  RetryPolicy,
} from './retry-policy.js';
export { DEFAULT_NDJSON_OPTIONS, decodeNdjson, type NdjsonDecodeOptions } from './streams/ndjson-decoder.js';
export {
  DEFAULT_SSE_OPTIONS,
  decodeSse,
  type SseDecodeOptions,
  type SseEvent,
} from './streams/sse-decoder.js';
export { DIAGNOSTIC_CHANNELS, type DiagnosticChannelName } from './tracking/diagnostics.js';
export { LatencyHistogram, type LatencySummary } from './tracking/latency-histogram.js';
export { generateRequestId, REQUEST_ID_PATTERN } from './tracking/request-id.js';
export {
  type AttemptEventMessage,
  type AttemptRecord,
  type RequestEventMessage,
  type RequestOutcome,
  type RequestRecord,
  RequestTracker,
  type RequestTrackerOptions,
  type TrackerStats,
} from './tracking/request-tracker.js';
export { type JsonRequest, type JsonResponse, requestJson } from './transport/request-json.js';
export {
  DEFAULT_TRANSPORT_OPTIONS,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type ResponseBody,
  UndiciTransport,
  type UndiciTransportOptions,
} from './transport/undici-transport.js';
export { quoteUrl } from './transport/validate-http-request.js';
export {
  createInputChecks,
  type InputChecks,
  isPlainObject,
  type NumberLimits,
} from './validate-input.js';
export { validateChatRequest, validateEmbedRequest } from './validate-request.js';
