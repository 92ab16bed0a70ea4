/**
 * @ipfs-accelerate/ollama: a resilient client for Ollama's native API on the ipfs-accelerate core.
 *
 * ```ts
 * import { createOllama } from '@ipfs-accelerate/ollama';
 * const ollama = createOllama({ host: 'localhost:11434' });
 * const { text } = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export type {
  OllamaModelOptions,
  OllamaWireMessage,
} from './ollama-api-types.js';
export {
  normalizeOllamaHost,
  OLLAMA_DEFAULT_BASE_URL,
  OLLAMA_DEFAULT_PORT,
  resolveOllamaBaseURL,
} from './ollama-base-url.js';
export type { OllamaChatResult } from './ollama-chat.js';
export { createOllama, type OllamaClient, type OllamaOptions } from './ollama-client.js';
export { ollamaStreamError, parseOllamaError } from './ollama-error.js';
export type {
  OllamaGenerateRequest,
  OllamaGenerateResult,
  OllamaGenerateStreamEvent,
  OllamaThink,
} from './ollama-generate.js';
export type { OllamaDurations } from './ollama-metrics.js';
export type {
  OllamaModelDetails,
  OllamaModelTag,
  OllamaRunningModel,
  OllamaShowRequest,
  OllamaShowResult,
} from './ollama-models.js';
export { type OllamaPullRequest, PULL_SUCCESS, type PullProgress } from './ollama-pull.js';
