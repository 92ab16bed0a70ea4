/**
 * The ProtocolAdapter of Anthropic's API: the key goes in `x-api-key` (not `Authorization: Bearer`), every
 * request carries `anthropic-version` and, when betas are on, `anthropic-beta`; errors are mapped by
 * {@link parseClaudeError}; the service's request id is the `request-id` header.
 */
import type { ProtocolAdapter } from '@ipfs-accelerate/core';
import { parseClaudeError } from './claude-error.js';

/** The API version sent as `anthropic-version` (the official SDK's constant). */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Options of {@link claudeProtocol}. */
export interface ClaudeProtocolOptions {
  /** @default ANTHROPIC_VERSION */
  version?: string;
  /** Beta features, sent joined by commas as `anthropic-beta`. */
  betas?: readonly string[];
  /** More headers for every request (not for keys). */
  headers?: Record<string, string>;
}

/** Builds the adapter to pass as `protocol` to `createBackend`. */
export function claudeProtocol(options: ClaudeProtocolOptions = {}): ProtocolAdapter {
  const headers: Record<string, string> = {
    ...options.headers,
    'anthropic-version': options.version ?? ANTHROPIC_VERSION,
  };
  if (options.betas && options.betas.length > 0) headers['anthropic-beta'] = options.betas.join(',');
  return {
    headers,
    requestIdHeaders: ['request-id'],
    parseError: parseClaudeError,
    authorize(prepared, lane) {
      const key = lane.apiKey();
      if (key !== undefined && key !== '') prepared.headers['x-api-key'] = key;
    },
  };
}
