import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { invalidRequest } from './anthropic-errors.js';
import { modelNotFound } from './anthropic-messages.js';
import { ANTHROPIC_EMULATOR_EPOCH, type JsonObject } from './anthropic-shapes.js';

const DAY_MS = 86_400_000;

/** `claude-3-5-haiku-latest` -> `Claude 3 5 Haiku Latest`: a readable name made from the id. */
function displayNameOf(id: string): string {
  return id
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

/** RFC 3339 without milliseconds, as the API writes `created_at`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A `ModelInfo` object; the models are listed newest first, one day apart. */
export function modelInfo(id: string, position: number): JsonObject {
  return {
    type: 'model',
    id,
    display_name: displayNameOf(id),
    created_at: rfc3339(ANTHROPIC_EMULATOR_EPOCH - position * DAY_MS),
    max_input_tokens: 200_000,
    max_tokens: 8192,
  };
}

/**
 * `GET /v1/models`: pages of `limit` models (default 20, 1–1000) after `after_id` or before `before_id`, as
 * `{data, has_more, first_id, last_id}`. An unknown cursor is a 400.
 */
export function listModels(request: EmulatorRequest, models: readonly string[]): Reply {
  const { query } = request;
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return invalidRequest(
      request,
      'limit: Input should be greater than or equal to 1 and less than or equal to 1000',
    );
  }
  const after = query.get('after_id');
  const before = query.get('before_id');
  if (after !== null && before !== null) {
    return invalidRequest(request, 'after_id: cannot be combined with before_id');
  }
  const cursor = after ?? before;
  const at = cursor === null ? -1 : models.indexOf(cursor);
  if (cursor !== null && at === -1)
    return invalidRequest(
      request,
      `${after !== null ? 'after_id' : 'before_id'}: unknown model id ${cursor}`,
    );
  let start: number;
  let end: number;
  if (before !== null) {
    end = at;
    start = Math.max(0, end - limit);
  } else {
    start = at + 1;
    end = Math.min(models.length, start + limit);
  }
  const page = models.slice(start, end);
  const hasMore = before !== null ? start > 0 : end < models.length;
  return {
    kind: 'json',
    status: 200,
    body: {
      data: page.map((id, i) => modelInfo(id, start + i)),
      has_more: hasMore,
      first_id: page[0] ?? null,
      last_id: page.at(-1) ?? null,
    },
  };
}

/** `GET /v1/models/{model_id}`: the model, or the API's 404. */
export function getModel(request: EmulatorRequest, models: readonly string[], id: string): Reply {
  const position = models.indexOf(id);
  return position === -1
    ? modelNotFound(request, id)
    : { kind: 'json', status: 200, body: modelInfo(id, position) };
}
