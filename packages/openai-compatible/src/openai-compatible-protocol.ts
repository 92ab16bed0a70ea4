/** The ProtocolAdapter of OpenAI-compatible services: Bearer auth (the core default), error mapping, request ids. */
import type { AccelerateError, ErrorResponse, ProtocolAdapter } from '@ipfs-accelerate/core';
import { parseOpenAIError } from './openai-error.js';

/** Options of {@link openAICompatibleProtocol}. */
export interface OpenAICompatibleProtocolOptions {
  /** The provider's name, put on every mapped error. */
  provider: string;
  /** Headers sent with every request (organization, project, user agent, …). Not for keys. */
  headers?: Record<string, string>;
  /** Response headers carrying the service's request id, in order. @default ['x-request-id'] */
  requestIdHeaders?: readonly string[];
  /**
   * A service's own special cases (e.g. Groq's 498 `capacity_exceeded`), tried first; return undefined to
   * fall back to the OpenAI mapping.
   */
  parseError?(response: ErrorResponse): AccelerateError | undefined;
}

/**
 * The adapter to pass as `protocol` to `createBackend`: keys go as `Authorization: Bearer <key>` (the core
 * default; no header when the endpoint has no key), errors are mapped by {@link parseOpenAIError}, and the
 * service's request id is read from `x-request-id`.
 */
export function openAICompatibleProtocol(options: OpenAICompatibleProtocolOptions): ProtocolAdapter {
  const { provider, parseError } = options;
  const adapter: ProtocolAdapter = {
    requestIdHeaders: options.requestIdHeaders ?? ['x-request-id'],
    parseError: (response) => parseError?.(response) ?? parseOpenAIError(response, provider),
  };
  if (options.headers && Object.keys(options.headers).length > 0) adapter.headers = { ...options.headers };
  return adapter;
}
