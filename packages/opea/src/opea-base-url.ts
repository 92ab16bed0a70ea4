/**
 * Where OPEA is. One client talks to one host: the ChatQnA megaservice (or a gateway in front of the
 * services), or one GenAIComps microservice. Each has its own default port; the request paths all start
 * with `/v1`, so a base URL given with a trailing `/v1` (the seed's `OPEA_API_ENDPOINT` default is
 * `http://localhost:8000/v1`) is accepted and the suffix dropped.
 */
import { InvalidRequestError, quoteUrl, readEnv } from '@ipfs-accelerate/core';

/** The default ports of the OPEA services (GenAIExamples ChatQnA compose files, GenAIComps defaults). */
export const OPEA_DEFAULT_PORTS = Object.freeze({
  /** The ChatQnA megaservice (`MEGA_SERVICE_PORT`); nginx fronts it on 80. */
  chatqna: 8888,
  /** The embedding microservice, `POST /v1/embeddings`. */
  embedding: 6000,
  /** The retriever microservice, `POST /v1/retrieval`. */
  retrieval: 7000,
  /** The reranking microservice, `POST /v1/reranking`. */
  reranking: 8000,
  /** The LLM text-generation microservice, `POST /v1/chat/completions`. */
  llm: 9000,
});

/** An OPEA service with a default port. */
export type OpeaService = keyof typeof OPEA_DEFAULT_PORTS;

/** The default base URL: the ChatQnA megaservice on this machine. */
export const OPEA_DEFAULT_BASE_URL = 'http://localhost:8888';

/** The base URL of a service on its default port, e.g. `opeaServiceURL('embedding', 'gpu-1')`. */
export function opeaServiceURL(
  service: OpeaService,
  host = 'localhost',
  protocol: 'http' | 'https' = 'http',
): string {
  const port = OPEA_DEFAULT_PORTS[service];
  if (port === undefined) throw new InvalidRequestError(`opea: unknown service ${JSON.stringify(service)}`);
  if (typeof host !== 'string' || host.trim() === '' || /[/?#@\s]/.test(host.trim())) {
    throw new InvalidRequestError(`opea: host must be a host name or address; got ${JSON.stringify(host)}`);
  }
  const name = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${protocol}://${name}:${port}`;
}

/** Drops trailing slashes and one trailing `/v1` (the service paths add it back). */
export function normalizeOpeaBaseURL(baseURL: string): string {
  if (typeof baseURL !== 'string' || baseURL.trim() === '') {
    throw new InvalidRequestError('opea: baseURL must be a non-empty string', { provider: 'opea' });
  }
  let url: URL;
  try {
    url = new URL(baseURL.trim());
  } catch {
    throw new InvalidRequestError(`opea: baseURL is not a URL: ${quoteUrl(baseURL)}`, {
      provider: 'opea',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidRequestError(`opea: baseURL must be http or https; got ${url.protocol}`, {
      provider: 'opea',
    });
  }
  return baseURL.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * The base URL: option `baseURL`, else `OPEA_API_ENDPOINT` (the Python seed's), else `OPEA_API_URL` (the
 * seed's TypeScript port's), else {@link OPEA_DEFAULT_BASE_URL}; normalised by {@link normalizeOpeaBaseURL}.
 */
export function resolveOpeaBaseURL(baseURL: string | undefined): string {
  return normalizeOpeaBaseURL(
    baseURL ?? readEnv('OPEA_API_ENDPOINT', 'OPEA_API_URL') ?? OPEA_DEFAULT_BASE_URL,
  );
}
