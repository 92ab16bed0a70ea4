/** The model list of `GET /models` to ModelInfo[]. */
import { type ModelInfo, ResponseFormatError } from '@ipfs-accelerate/core';
import { isJsonObject } from './openai-compatible-api.js';

function malformed(provider: string, reason: string): ResponseFormatError {
  return new ResponseFormatError(`${provider}: malformed model list: ${reason}`, { provider });
}

/**
 * Parses `{object:'list', data:[{id, owned_by, created}]}` (or the single model object some servers, e.g.
 * TGI, answer with): `id`, `ownedBy`, and `createdAt` from unix seconds.
 */
export function parseOpenAIModelsResponse(body: unknown, provider = 'openai'): ModelInfo[] {
  if (!isJsonObject(body)) throw malformed(provider, 'the body is not a JSON object');
  const items: unknown[] = Array.isArray(body.data) ? body.data : typeof body.id === 'string' ? [body] : [];
  if (!Array.isArray(body.data) && items.length === 0) throw malformed(provider, 'data is not an array');
  return items.map((item, i): ModelInfo => {
    if (!isJsonObject(item) || typeof item.id !== 'string' || item.id === '') {
      throw malformed(provider, `data[${i}] has no id`);
    }
    const model: ModelInfo = { id: item.id };
    if (typeof item.owned_by === 'string') model.ownedBy = item.owned_by;
    if (typeof item.created === 'number' && Number.isFinite(item.created)) {
      const createdAt = new Date(item.created * 1000);
      // Seconds beyond the range of a Date make an Invalid Date: left out like an absent one.
      if (!Number.isNaN(createdAt.getTime())) model.createdAt = createdAt;
    }
    return model;
  });
}
