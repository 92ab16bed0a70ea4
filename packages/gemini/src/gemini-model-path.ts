import { check } from './gemini-validate.js';

const COLLECTIONS = ['models', 'tunedModels'] as const;

/** A model name split into its collection and id; the id is checked but not encoded. */
export interface GeminiModelName {
  collection: (typeof COLLECTIONS)[number];
  id: string;
}

/**
 * Reads `gemini-2.0-flash`, `models/gemini-2.0-flash` or `tunedModels/my-model`. An empty name, an empty id
 * or an id with a `/` or `:` in it (which would address another resource or method) is refused.
 */
export function parseGeminiModel(model: unknown): GeminiModelName {
  if (typeof model !== 'string' || model.trim() === '') {
    throw check.invalid('model must be a non-empty string');
  }
  const name = model.trim();
  const slash = name.indexOf('/');
  const prefix = slash === -1 ? undefined : name.slice(0, slash);
  const collection = COLLECTIONS.find((c) => c === prefix) ?? 'models';
  const id = prefix !== undefined && prefix === collection ? name.slice(slash + 1) : name;
  if (id === '' || id.includes('/') || id.includes(':')) {
    throw check.invalid(
      `model must be a model id like "gemini-2.0-flash" or a name like "models/gemini-2.0-flash"; got ${JSON.stringify(model)}`,
    );
  }
  return { collection, id };
}

/** The resource name, e.g. `models/gemini-2.0-flash` (what batch embedding requests carry). */
export function geminiModelResource(model: unknown): string {
  const { collection, id } = parseGeminiModel(model);
  return `${collection}/${id}`;
}

/** The path of a method of a model, e.g. `/models/gemini-2.0-flash:generateContent`, the id encoded. */
export function geminiModelPath(model: unknown, method?: string): string {
  const { collection, id } = parseGeminiModel(model);
  return `/${collection}/${encodeURIComponent(id)}${method === undefined ? '' : `:${method}`}`;
}

/** `models/gemini-2.0-flash` -> `gemini-2.0-flash`; anything else is returned as it is. */
export function stripModelsPrefix(name: string): string {
  return name.startsWith('models/') ? name.slice('models/'.length) : name;
}
