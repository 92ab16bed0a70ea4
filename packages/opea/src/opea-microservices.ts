/**
 * The GenAIComps microservices that are not OpenAI chat: embeddings, retrieval and reranking, each one
 * request/response call through the core Backend.
 */
import type {
  Backend,
  EmbedRequest,
  EmbedResult,
  RequestOptions,
  RerankRequest,
  RerankResult,
} from '@ipfs-accelerate/core';
import { parseOpenAIEmbeddingsResponse } from '@ipfs-accelerate/openai-compatible';
import { buildOpeaEmbeddingsBody, validateOpeaEmbedRequest } from './opea-embeddings.js';
import { buildOpeaRerankBody, parseOpeaRerankResponse, validateOpeaRerankRequest } from './opea-reranking.js';
import {
  buildOpeaRetrievalBody,
  type OpeaRetrievalRequest,
  type OpeaRetrievalResult,
  parseOpeaRetrievalResponse,
  validateOpeaRetrievalRequest,
} from './opea-retrieval.js';

/** Paths of the microservice operations. */
export interface OpeaMicroservicePaths {
  embeddings: string;
  retrieval: string;
  reranking: string;
}

/** Embeddings, retrieval and reranking. */
export interface OpeaMicroserviceOperations {
  embed(request: EmbedRequest, options?: RequestOptions): Promise<EmbedResult>;
  retrieve(request: OpeaRetrievalRequest, options?: RequestOptions): Promise<OpeaRetrievalResult>;
  rerank(request: RerankRequest, options?: RequestOptions): Promise<RerankResult>;
}

/** Builds the operations (`embed`, `retrieve`, `rerank` in records) on `backend`. */
export function createOpeaMicroserviceOperations(
  backend: Backend,
  paths: OpeaMicroservicePaths,
): OpeaMicroserviceOperations {
  return {
    async embed(request, options) {
      validateOpeaEmbedRequest(request);
      const json = buildOpeaEmbeddingsBody(request);
      const expected = Array.isArray(request.input) ? request.input.length : 1;
      return backend.call<EmbedResult>(
        {
          operation: 'embed',
          path: paths.embeddings,
          json,
          parse: async (response, ctx) => {
            const parsed = parseOpenAIEmbeddingsResponse(await response.body.json(), {
              provider: 'opea',
              expected,
            });
            const result: EmbedResult = { embeddings: parsed.embeddings, requestId: ctx.requestId };
            if (parsed.usage) result.usage = parsed.usage;
            if (parsed.model !== undefined) result.model = parsed.model;
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
          usage: (result) => result.usage,
        },
        options,
      );
    },

    async retrieve(request, options) {
      validateOpeaRetrievalRequest(request);
      const json = buildOpeaRetrievalBody(request);
      return backend.call<OpeaRetrievalResult>(
        {
          operation: 'retrieve',
          path: paths.retrieval,
          json,
          parse: async (response, ctx) => {
            const result: OpeaRetrievalResult = {
              documents: parseOpeaRetrievalResponse(await response.body.json()),
              requestId: ctx.requestId,
            };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        options,
      );
    },

    async rerank(request, options) {
      validateOpeaRerankRequest(request);
      const json = buildOpeaRerankBody(request);
      return backend.call<RerankResult>(
        {
          operation: 'rerank',
          path: paths.reranking,
          json,
          parse: async (response, ctx) => {
            const result: RerankResult = {
              ...parseOpeaRerankResponse(await response.body.json(), request),
              requestId: ctx.requestId,
            };
            if (ctx.providerRequestId !== undefined) result.providerRequestId = ctx.providerRequestId;
            return result;
          },
        },
        options,
      );
    },
  };
}
