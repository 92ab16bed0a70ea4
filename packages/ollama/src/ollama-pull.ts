/**
 * `POST /api/pull`: downloads a model, reporting progress as NDJSON lines that end with `{"status":"success"}`.
 */
import type { FrameMapper } from '@ipfs-accelerate/core';
import type { OllamaWirePullStatus } from './ollama-api-types.js';
import { ollamaStreamError } from './ollama-error.js';
import { asObject } from './ollama-json.js';
import { check } from './ollama-validate.js';

/** A request to {@link OllamaClient.pull}. */
export interface OllamaPullRequest {
  /** e.g. `llama3.2` or `llama3.2:1b` */
  model: string;
  /** Allow a registry without TLS (development only). */
  insecure?: boolean;
}

/**
 * One progress report of a pull: `pulling manifest`, `pulling <digest>` with `total`/`completed` bytes
 * (`completed` may be missing at first), `verifying sha256 digest`, `writing manifest`, then `success`.
 */
export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

/** The status of the last line of a successful pull. */
export const PULL_SUCCESS = 'success';

/** Checks a pull request and builds the body (always streamed: progress is the point). */
export function buildOllamaPullBody(request: OllamaPullRequest): Record<string, unknown> {
  check.object(request, 'pull request');
  check.model(request.model);
  check.optionalBoolean(request.insecure, 'insecure');
  const body: Record<string, unknown> = { model: request.model, stream: true };
  if (request.insecure !== undefined) body.insecure = request.insecure;
  return body;
}

function isSuccess(frame: unknown): boolean {
  return (
    typeof frame === 'object' && frame !== null && (frame as { status?: unknown }).status === PULL_SUCCESS
  );
}

/** A fresh mapper for one attempt of a pull: every line -> one PullProgress; an error line -> a typed error. */
export function createOllamaPullMapper(): FrameMapper<unknown, PullProgress> {
  return {
    map(frame) {
      const line = asObject<OllamaWirePullStatus>(frame, 'a pull progress line');
      if (line.error !== undefined) throw ollamaStreamError(line.error);
      if (typeof line.status !== 'string') return undefined;
      const progress: PullProgress = { status: line.status };
      if (typeof line.digest === 'string' && line.digest !== '') progress.digest = line.digest;
      if (typeof line.total === 'number') progress.total = line.total;
      if (typeof line.completed === 'number') progress.completed = line.completed;
      return progress;
    },
    isTerminal: isSuccess,
  };
}
