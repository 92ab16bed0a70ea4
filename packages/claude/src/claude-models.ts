/**
 * `GET /v1/models` (paginated by id cursors) and `GET /v1/models/{model_id}` -> ModelInfo.
 */
import {
  type Clock,
  DeadlineExceededError,
  isPlainObject,
  type ModelInfo,
  type RequestOptions,
  ResponseFormatError,
} from '@ipfs-accelerate/core';
import type { ClaudeWireModel, ClaudeWireModelPage } from './claude-api-types.js';
import { check, PROVIDER } from './claude-validate.js';

/** A model as Anthropic describes it. `ownedBy` is always `anthropic`. */
export interface ClaudeModelInfo extends ModelInfo {
  /** A human-readable name, e.g. `Claude Haiku 4.5`. */
  displayName?: string;
  /** The largest prompt the model takes, when the service says. */
  maxInputTokens?: number;
  /** The largest `max_tokens` the model takes, when the service says. */
  maxOutputTokens?: number;
}

/** Which page of the model list to read. */
export interface ClaudeModelPageParams {
  /** Models per page, 1–1000. @default the service's (20) */
  limit?: number;
  /** The page after this model id. */
  afterId?: string;
  /** The page before this model id. */
  beforeId?: string;
}

/** One page of the model list. */
export interface ClaudeModelPage {
  models: ClaudeModelInfo[];
  hasMore: boolean;
  /** The cursors of this page: pass `lastId` as `afterId` for the next one. */
  firstId?: string;
  lastId?: string;
}

/** Checks page parameters and turns them into the query of `GET /v1/models`. */
export function modelPageQuery(params: ClaudeModelPageParams | undefined): Record<string, string | number> {
  if (params === undefined) return {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw check.invalid('model page parameters must be an object');
  }
  check.optionalNumber(params.limit, 'limit', { min: 1, max: 1000, integer: true });
  const query: Record<string, string | number> = {};
  if (params.limit !== undefined) query.limit = params.limit;
  for (const [name, key] of [
    ['afterId', 'after_id'],
    ['beforeId', 'before_id'],
  ] as const) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') throw check.invalid(`${name} must be a non-empty string`);
    query[key] = value;
  }
  if (query.after_id !== undefined && query.before_id !== undefined) {
    throw check.invalid('afterId and beforeId cannot be combined');
  }
  return query;
}

/** One wire `ModelInfo` -> ours. */
export function parseClaudeModel(value: unknown): ClaudeModelInfo {
  const wire = value as ClaudeWireModel;
  if (!isPlainObject(value) || typeof wire.id !== 'string' || wire.id === '') {
    throw new ResponseFormatError('claude: a model without an id', { provider: PROVIDER });
  }
  const model: ClaudeModelInfo = { id: wire.id, ownedBy: 'anthropic' };
  if (typeof wire.created_at === 'string') {
    const created = new Date(wire.created_at);
    if (!Number.isNaN(created.getTime())) model.createdAt = created;
  }
  if (typeof wire.display_name === 'string') model.displayName = wire.display_name;
  if (typeof wire.max_input_tokens === 'number') model.maxInputTokens = wire.max_input_tokens;
  if (typeof wire.max_tokens === 'number') model.maxOutputTokens = wire.max_tokens;
  return model;
}

/** Parses one page of `GET /v1/models`. */
export function parseClaudeModelPage(json: unknown): ClaudeModelPage {
  const page = json as ClaudeWireModelPage;
  if (!isPlainObject(json) || !Array.isArray(page.data)) {
    throw new ResponseFormatError('claude: the model list has no data array', { provider: PROVIDER });
  }
  const result: ClaudeModelPage = {
    models: page.data.map(parseClaudeModel),
    hasMore: page.has_more === true,
  };
  if (typeof page.first_id === 'string') result.firstId = page.first_id;
  if (typeof page.last_id === 'string') result.lastId = page.last_id;
  return result;
}

/** The most pages {@link listAllModels} follows before it calls the listing broken. */
export const MAX_MODEL_PAGES = 1000;

/**
 * Reads every page, following `after_id` = the previous page's `last_id` while `has_more`; each page is its own
 * call through the pipeline (`fetchPage`). The caller's deadline spans every page (each gets what is left of
 * it) and a caller-given request id gets a `_page<n>` suffix after the first page, so each page has its own
 * record. A cursor that does not move, or more than {@link MAX_MODEL_PAGES} pages, is a ResponseFormatError.
 */
export async function listAllModels(
  fetchPage: (
    params: ClaudeModelPageParams | undefined,
    options: RequestOptions | undefined,
  ) => Promise<ClaudeModelPage>,
  options: RequestOptions | undefined,
  clock: Pick<Clock, 'now'>,
): Promise<ClaudeModelInfo[]> {
  const deadline = options?.deadlineMs === undefined ? undefined : clock.now() + options.deadlineMs;
  const models: ClaudeModelInfo[] = [];
  let afterId: string | undefined;
  for (let page = 1; page <= MAX_MODEL_PAGES; page++) {
    const result = await fetchPage(
      afterId === undefined ? undefined : { afterId },
      pageOptions(options, page, deadline, clock.now()),
    );
    models.push(...result.models);
    if (!result.hasMore) return models;
    if (result.lastId === undefined || result.lastId === afterId) {
      throw new ResponseFormatError('claude: the model list says has_more but its cursor did not move', {
        provider: PROVIDER,
      });
    }
    afterId = result.lastId;
  }
  throw new ResponseFormatError(`claude: the model list did not end within ${MAX_MODEL_PAGES} pages`, {
    provider: PROVIDER,
  });
}

function pageOptions(
  options: RequestOptions | undefined,
  page: number,
  deadline: number | undefined,
  now: number,
): RequestOptions | undefined {
  if (options === undefined || page === 1) return options;
  const next: RequestOptions = { ...options };
  if (options.requestId !== undefined) next.requestId = `${options.requestId}_page${page}`.slice(-200);
  if (deadline !== undefined) {
    if (deadline - now <= 0) {
      throw new DeadlineExceededError('claude: the deadline passed while listing models', {
        provider: PROVIDER,
      });
    }
    next.deadlineMs = deadline - now;
  }
  return next;
}
