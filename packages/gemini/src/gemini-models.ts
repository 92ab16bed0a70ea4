/**
 * The model catalogue: `GET /models` (paged with `pageSize`/`pageToken`) and `GET /models/{id}`. Ids are
 * returned without the `models/` prefix, so they can be passed straight back as `model`.
 */
import { type ModelInfo, ResponseFormatError } from '@ipfs-accelerate/core';
import type { GeminiWireModel } from './gemini-api-types.js';
import { stripModelsPrefix } from './gemini-model-path.js';
import { responseObject } from './gemini-validate.js';

/** A model as the Gemini API describes it, on top of the common ModelInfo (`id` = name without `models/`). */
export interface GeminiModelInfo extends ModelInfo {
  /** The resource name, e.g. `models/gemini-2.0-flash`. */
  name: string;
  displayName?: string;
  description?: string;
  version?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
  /** E.g. `generateContent`, `countTokens`, `embedContent`. */
  supportedGenerationMethods: string[];
  /** Whether the model thinks (reasoning) before it answers. */
  thinking?: boolean;
}

/** One page of `GET /models`. */
export interface GeminiModelsPage {
  models: GeminiModelInfo[];
  nextPageToken?: string;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A wire Model -> GeminiModelInfo; a model without a name is malformed. */
export function modelInfoFromWire(value: unknown): GeminiModelInfo {
  const model = responseObject<GeminiWireModel>(value, 'a model');
  const name = optionalString(model.name);
  if (name === undefined) throw new ResponseFormatError('gemini: a model without a name');
  const methods = Array.isArray(model.supportedGenerationMethods)
    ? model.supportedGenerationMethods.filter((m): m is string => typeof m === 'string')
    : [];
  const info: GeminiModelInfo = {
    id: stripModelsPrefix(name),
    ownedBy: 'google',
    name,
    supportedGenerationMethods: methods,
  };
  const displayName = optionalString(model.displayName);
  if (displayName !== undefined) info.displayName = displayName;
  const description = optionalString(model.description);
  if (description !== undefined) info.description = description;
  const version = optionalString(model.version);
  if (version !== undefined) info.version = version;
  const input = optionalNumber(model.inputTokenLimit);
  if (input !== undefined) info.inputTokenLimit = input;
  const output = optionalNumber(model.outputTokenLimit);
  if (output !== undefined) info.outputTokenLimit = output;
  if (typeof model.thinking === 'boolean') info.thinking = model.thinking;
  return info;
}

/** Parses one page; an absent `models` is an empty page (the service omits empty lists). */
export function parseGeminiModelsPage(json: unknown): GeminiModelsPage {
  const body = responseObject<{ models?: unknown; nextPageToken?: unknown }>(json, 'the models page');
  if (body.models !== undefined && !Array.isArray(body.models)) {
    throw new ResponseFormatError('gemini: models is not an array');
  }
  const page: GeminiModelsPage = { models: (body.models ?? []).map(modelInfoFromWire) };
  const token = optionalString(body.nextPageToken);
  if (token !== undefined) page.nextPageToken = token;
  return page;
}
