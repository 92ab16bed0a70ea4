/**
 * @ipfs-accelerate/opea: a resilient client for OPEA (Open Platform for Enterprise AI): the ChatQnA
 * megaservice, JSON and streamed (its `data: b'…'` frames decoded), and the GenAIComps microservices
 * (LLM chat completions, embeddings, retrieval, reranking) on the ipfs-accelerate core.
 */
export {
  normalizeOpeaBaseURL,
  OPEA_DEFAULT_BASE_URL,
  OPEA_DEFAULT_PORTS,
  type OpeaService,
  opeaServiceURL,
} from './opea-base-url.js';
export type { ChatQnAOperations } from './opea-chatqna.js';
export {
  buildChatQnABody,
  type ChatQnARequest,
  type ChatQnARetrieverOptions,
  type OpeaSearchType,
  validateChatQnARequest,
} from './opea-chatqna-request.js';
export {
  createChatQnAStreamMapper,
  isChatQnAContent,
  isChatQnAStreamTerminal,
} from './opea-chatqna-stream.js';
export {
  OpeaValidationError,
  type OpeaValidationIssue,
  parseOpeaError,
  readValidationIssues,
} from './opea-error.js';
export {
  createOpea,
  OPEA_DEFAULT_PATHS,
  type OpeaClient,
  type OpeaHealth,
  type OpeaOptions,
  type OpeaPaths,
} from './opea-provider.js';
export type {
  OpeaRetrievalRequest,
  OpeaRetrievalResult,
  OpeaRetrievedDocument,
} from './opea-retrieval.js';
export { decodePythonBytesLiteral, isPythonBytesLiteral } from './python-bytes-literal.js';
