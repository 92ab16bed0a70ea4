/**
 * @ipfs-accelerate/openai: a resilient OpenAI client (chat, streaming, embeddings, models) on the
 * ipfs-accelerate core: queue, breaker, budgeted retry, multiplexed keys and tracking.
 */
export {
  createOpenAI,
  OPENAI_DEFAULT_BASE_URL,
  type OpenAIClient,
  type OpenAIOptions,
} from './openai-provider.js';
