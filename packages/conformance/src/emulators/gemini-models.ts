import type { EmulatorRequest, Reply } from '../emulator/types.js';
import { geminiErrorReply, notFoundMessage } from './gemini-errors.js';
import { type GeminiEmulatorState, jsonReply, modelResource } from './gemini-shapes.js';
import { invalidReply } from './gemini-validate.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** The opaque page token of an offset (Google's are opaque too; clients must only pass them back). */
function tokenOf(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function offsetOf(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}

/**
 * `GET /models?pageSize=&pageToken=` -> `{models, nextPageToken?}`: 50 per page by default, at most 1000; a
 * page token that this emulator did not hand out is a 400.
 */
export function listModelsHandler(request: EmulatorRequest, state: GeminiEmulatorState): Reply {
  const sizeParam = request.query.get('pageSize');
  const size = sizeParam === null || sizeParam === '' ? DEFAULT_PAGE_SIZE : Number(sizeParam);
  if (!Number.isInteger(size) || size < 0) {
    return invalidReply(`Invalid value at 'page_size' (TYPE_INT32), "${sizeParam}"`);
  }
  const pageSize = size === 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
  const token = request.query.get('pageToken');
  const offset = token === null || token === '' ? 0 : offsetOf(token);
  if (offset === undefined) return invalidReply('Invalid page token.');
  const page = state.models.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = { models: page.map(modelResource) };
  if (offset + pageSize < state.models.length) body.nextPageToken = tokenOf(offset + pageSize);
  return jsonReply(200, body);
}

/** `GET /models/{id}` -> the Model, or Google's 404. */
export function getModelHandler(request: EmulatorRequest, state: GeminiEmulatorState, id: string): Reply {
  if (!state.models.includes(id)) {
    return geminiErrorReply(404, { message: notFoundMessage(`models/${id}`, 'get', request) });
  }
  return jsonReply(200, modelResource(id));
}
