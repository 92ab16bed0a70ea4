/**
 * @ipfs-accelerate/groq: a resilient Groq client (chat, streaming, embeddings, models) on the ipfs-accelerate
 * core: queue, breaker, budgeted retry (498 and 429 included), multiplexed keys, rate-limit headers and
 * tracking, with Groq's `x_groq` request ids, timings and in-band errors read.
 */
export {
  buildGroqChatBody,
  type GroqChatResult,
  type GroqChatSettings,
  parseGroqChatResponse,
} from './groq-chat.js';
export {
  createGroqChatStreamMapper,
  type GroqChatStreamEvent,
  type GroqFinishEvent,
} from './groq-chat-stream.js';
export {
  GROQ_CAPACITY_EXCEEDED_STATUS,
  GROQ_CLIENT_CLOSED_STATUS,
  GROQ_PROVIDER,
  groqProtocol,
  parseGroqError,
} from './groq-error.js';
export {
  GROQ_HOOKS,
  type GroqTimings,
  readGroqReasoning,
  readGroqRequestId,
  readGroqTimings,
  readGroqUsage,
} from './groq-extensions.js';
export { createGroq, GROQ_DEFAULT_BASE_URL, type GroqClient, type GroqOptions } from './groq-provider.js';
export {
  checkGroqProviderOptions,
  GROQ_REASONING_FORMATS,
  GROQ_SERVICE_TIERS,
  type GroqReasoningFormat,
  type GroqServiceTier,
} from './groq-request-options.js';
