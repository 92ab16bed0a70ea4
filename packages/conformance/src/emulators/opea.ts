/**
 * The OPEA emulator: the ChatQnA megaservice (`/v1/chatqna`, JSON and `b'…'` streams) and the GenAIComps
 * microservice routes (`/v1/embeddings`, `/v1/retrieval`, `/v1/reranking`, `/v1/chat/completions`) on one
 * port, with FastAPI's error shapes and `GET /v1/health_check`. In a deployment each service has its own
 * port (8888, 6000, 7000, 8000, 9000); one emulator serving every route stands for all of them.
 */
import { startEmulator } from '../emulator/start-emulator.js';
import type {
  Emulator,
  EmulatorDefinition,
  EmulatorOptions,
  EmulatorRequest,
  Reply,
} from '../emulator/types.js';
import { type ChatQnAEmulatorOptions, type ChatQnAState, chatQnA } from './opea-chatqna.js';
import { chatQnAErrorFrame, fastAPIError, fastAPIValidation } from './opea-errors.js';
import {
  type OpeaMicroserviceConfig,
  opeaChatCompletions,
  opeaEmbeddings,
  opeaReranking,
  opeaRetrieval,
} from './opea-microservices.js';
import type { OpenAIEmulatorState } from './openai-compatible-shapes.js';

/** Options of {@link startOpeaEmulator}. */
export interface OpeaEmulatorOptions
  extends ChatQnAEmulatorOptions,
    EmulatorOptions,
    Partial<OpeaMicroserviceConfig> {
  /**
   * Bearer keys a gateway in front of OPEA accepts; default `[]`: no auth, like the services themselves.
   * A missing or wrong key is `401 {"detail": "Not authenticated"}`.
   */
  readonly apiKeys?: readonly string[];
}

/** The default vector store of the retriever. */
export const OPEA_EMULATOR_DOCUMENTS: readonly string[] = [
  'OPEA is the Open Platform for Enterprise AI, a Linux Foundation project.',
  'ChatQnA answers questions with retrieval-augmented generation.',
  'GenAIComps holds the microservices: embedding, retriever, reranking and LLM.',
  'The megaservice listens on port 8888 by default.',
];

/** The LLM model the emulator's chat completions report when a request names none. */
export const OPEA_EMULATOR_LLM_MODEL = 'Intel/neural-chat-7b-v3-3';
/** The embedding model reported when a request names none. */
export const OPEA_EMULATOR_EMBEDDING_MODEL = 'BAAI/bge-base-en-v1.5';

/** Starts an OPEA emulator on 127.0.0.1; its `baseURL` is the origin (every path starts with `/v1`). */
export function startOpeaEmulator(options: OpeaEmulatorOptions = {}): Promise<Emulator> {
  return startEmulator(opeaProtocol(options), options);
}

/** The {@link EmulatorDefinition} of OPEA. */
export function opeaProtocol(options: OpeaEmulatorOptions = {}): EmulatorDefinition {
  const config: OpeaMicroserviceConfig = {
    llmModel: options.llmModel ?? OPEA_EMULATOR_LLM_MODEL,
    embeddingModel: options.embeddingModel ?? OPEA_EMULATOR_EMBEDDING_MODEL,
    documents: options.documents ?? OPEA_EMULATOR_DOCUMENTS,
  };
  const apiKeys = [...(options.apiKeys ?? [])];
  const chatqnaState: ChatQnAState = { answers: 0 };
  const llmState: OpenAIEmulatorState = { completions: 0, toolCalls: 0, tokensUsed: 0 };
  const health = (title: string) => (): Reply => ({
    kind: 'json',
    status: 200,
    body: {
      'Service Title': title,
      Version: '1.0',
      'Service Description': 'OPEA Microservice Infrastructure',
    },
  });
  return {
    name: 'opea',
    pathPrefix: '',
    routes: {
      'POST /v1/chatqna': (request) => chatQnA(request, chatqnaState, options),
      'POST /v1/chat/completions': (request) => opeaChatCompletions(request, config, llmState),
      'POST /v1/embeddings': (request) => opeaEmbeddings(request, config, llmState),
      'POST /v1/retrieval': (request) => opeaRetrieval(request, config),
      'POST /v1/reranking': (request) => opeaReranking(request),
      'GET /v1/health_check': health('ChatQnAService'),
      'GET /health': () => ({ kind: 'json', status: 200, body: { status: 'healthy' } }),
    },
    authorize: (request) => authorize(request, apiKeys),
    errorReply: ({ status, code, message }) =>
      status === 422
        ? fastAPIValidation([
            { type: code ?? 'value_error', loc: ['body'], msg: message ?? 'Invalid request' },
          ])
        : fastAPIError(status, message),
    errorFrame: chatQnAErrorFrame,
    notFound: () => fastAPIError(404),
    malformedFrame: "data: b'unterminated\n\n",
    malformedBody: '{"id":"chatcmpl-malformed","object":"chat.completion","choices":[{"message":',
  };
}

function authorize(request: EmulatorRequest, apiKeys: readonly string[]): Reply | undefined {
  if (apiKeys.length === 0) return undefined;
  const header = request.headers.authorization;
  const key = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1] : undefined;
  return key !== undefined && apiKeys.includes(key) ? undefined : fastAPIError(401, 'Not authenticated');
}
