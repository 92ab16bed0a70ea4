/**
 * @ipfs-accelerate/openai-compatible: the OpenAI-compatible wire mapping (chat, streaming chunks,
 * embeddings, models, errors), written once and shared by the OpenAI, Groq, OPEA, OVMS and TGI clients.
 */

export { validateChatRequest, validateEmbedRequest } from '@ipfs-accelerate/core';
export { convertOpenAIUsage } from './convert-openai-usage.js';
export { convertToOpenAIMessages } from './convert-to-openai-messages.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { buildOpenAIChatBody, type OpenAIChatBodyOptions } from './openai-chat-request.js';
export {
  type ParsedChatCompletion,
  type ParseOpenAIChatOptions,
  parseOpenAIChatResponse,
  readToolArguments,
} from './openai-chat-response.js';
export {
  createOpenAIChatStreamMapper,
  isOpenAIChatContent,
  isOpenAIStreamTerminal,
  type OpenAIChatStreamOptions,
} from './openai-chat-stream.js';
export {
  isJsonObject,
  type JsonObject,
  type MaxTokensField,
  type OpenAICompatibleHooks,
  type OpenAICompatibleOperation,
  type OpenAIContentPart,
  type OpenAIMessage,
  type OpenAIToolCall,
} from './openai-compatible-api.js';
export {
  createOpenAICompatibleOperations,
  DEFAULT_OPENAI_COMPATIBLE_PATHS,
  type ExtraBody,
  type OpenAICompatibleConfig,
  type OpenAICompatibleOperations,
  type OpenAICompatiblePaths,
} from './openai-compatible-operations.js';
export {
  type OpenAICompatibleProtocolOptions,
  openAICompatibleProtocol,
} from './openai-compatible-protocol.js';
export {
  buildOpenAIEmbeddingsBody,
  decodeBase64Embedding,
  type EmbeddingEncoding,
  type OpenAIEmbeddingsBodyOptions,
  type ParsedEmbeddings,
  parseOpenAIEmbeddingsResponse,
} from './openai-embeddings.js';
export {
  mapOpenAIStreamError,
  type OpenAIErrorFields,
  openAIErrorFromBody,
  parseOpenAIError,
  readOpenAIErrorFields,
} from './openai-error.js';
export { parseOpenAIModelsResponse } from './openai-models.js';
