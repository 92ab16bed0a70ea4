/**
 * @ipfs-accelerate/gemini: a resilient client for the Google Gemini API on the ipfs-accelerate core.
 *
 * ```ts
 * import { createGemini } from '@ipfs-accelerate/gemini';
 * const gemini = createGemini(); // GEMINI_API_KEY or GOOGLE_API_KEY
 * const { text } = await gemini.chat({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */

export { convertGeminiUsage } from './convert-gemini-usage.js';
export { convertToGeminiContents, type GeminiPrompt } from './convert-to-gemini-contents.js';
export type {
  GeminiContent,
  GeminiGenerateContentBody,
  GeminiGenerationConfig,
  GeminiPart,
  GeminiUsageMetadata,
} from './gemini-api-types.js';
export { buildGeminiGenerateBody } from './gemini-chat-request.js';
export type { GeminiChatResult } from './gemini-chat-response.js';
export {
  createGemini,
  GEMINI_DEFAULT_BASE_URL,
  type GeminiClient,
  type GeminiListModelsOptions,
  type GeminiOptions,
} from './gemini-client.js';
export type { GeminiTokenCount } from './gemini-count-tokens.js';
export {
  type GeminiErrorDetails,
  geminiErrorFromStatus,
  geminiStreamError,
  parseGeminiError,
  readGeminiErrorDetails,
} from './gemini-error.js';
export type { GeminiModelInfo } from './gemini-models.js';
export { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
