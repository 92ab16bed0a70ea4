/**
 * The model catalogue of an Ollama server: local models (`GET /api/tags`), one model's facts
 * (`POST /api/show`), loaded models (`GET /api/ps`) and the server version (`GET /api/version`).
 */
import { type ModelInfo, ResponseFormatError } from '@ipfs-accelerate/core';
import type { OllamaWireModel, OllamaWireModelDetails, OllamaWireShowResponse } from './ollama-api-types.js';
import { asObject, dateOf } from './ollama-json.js';

/** A model's format and family, as Ollama reports them. */
export interface OllamaModelDetails {
  parentModel?: string;
  /** e.g. `gguf` */
  format?: string;
  /** e.g. `llama` */
  family?: string;
  families?: string[];
  /** e.g. `8.0B` */
  parameterSize?: string;
  /** e.g. `Q4_K_M` */
  quantizationLevel?: string;
}

/** A model stored on the server (`/api/tags`). */
export interface OllamaModelTag {
  /** e.g. `llama3.2:latest` */
  name: string;
  model: string;
  modifiedAt?: Date;
  /** Size on disk, in bytes. */
  size?: number;
  digest?: string;
  details: OllamaModelDetails;
  /** For a cloud model: the upstream model and host. */
  remoteModel?: string;
  remoteHost?: string;
}

/** A model loaded in memory (`/api/ps`). */
export interface OllamaRunningModel {
  name: string;
  model: string;
  /** Memory used, in bytes. */
  size?: number;
  /** Of which video memory, in bytes. */
  sizeVram?: number;
  digest?: string;
  details: OllamaModelDetails;
  /** When it will be unloaded. */
  expiresAt?: Date;
  contextLength?: number;
}

/** A request to {@link OllamaClient.show}. */
export interface OllamaShowRequest {
  model: string;
  /** Include the large fields (tokenizer vocabularies, …) in `modelInfo`. */
  verbose?: boolean;
}

/** What `/api/show` tells about a model. */
export interface OllamaShowResult {
  modelfile?: string;
  /** Parameter settings as text (`stop "<|eot_id|>"` …). */
  parameters?: string;
  template?: string;
  system?: string;
  license?: string;
  modifiedAt?: Date;
  details: OllamaModelDetails;
  /** Model metadata keyed as Ollama reports it (`general.architecture`, `llama.context_length`, …). */
  modelInfo: Record<string, unknown>;
  /** e.g. `completion`, `tools`, `vision`, `thinking`, `embedding`. */
  capabilities: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Ollama's snake_case details -> ours; fields it left out stay out. */
export function modelDetailsOf(details: OllamaWireModelDetails | undefined): OllamaModelDetails {
  if (typeof details !== 'object' || details === null) return {};
  const out: OllamaModelDetails = {};
  const set = <K extends keyof OllamaModelDetails>(key: K, value: OllamaModelDetails[K] | undefined) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  set('parentModel', str(details.parent_model));
  set('format', str(details.format));
  set('family', str(details.family));
  if (Array.isArray(details.families))
    set(
      'families',
      details.families.filter((f) => typeof f === 'string'),
    );
  set('parameterSize', str(details.parameter_size));
  set('quantizationLevel', str(details.quantization_level));
  return out;
}

function modelsOf(json: unknown, what: string): OllamaWireModel[] {
  const data = asObject<{ models?: unknown }>(json, what);
  // An empty server answers `{"models":[]}`; some versions answered `{"models":null}`.
  if (data.models === null || data.models === undefined) return [];
  if (!Array.isArray(data.models)) throw new ResponseFormatError(`ollama: ${what}: models is not an array`);
  return data.models.map((m, i) => {
    const model = asObject<OllamaWireModel>(m, `${what}: models[${i}]`);
    if (typeof model.name !== 'string' && typeof model.model !== 'string') {
      throw new ResponseFormatError(`ollama: ${what}: models[${i}] has no name`);
    }
    return model;
  });
}

/** Parses `/api/tags`. */
export function parseOllamaTags(json: unknown): OllamaModelTag[] {
  return modelsOf(json, 'the tags response').map((m) => {
    const name = str(m.name) ?? str(m.model) ?? '';
    const tag: OllamaModelTag = { name, model: str(m.model) ?? name, details: modelDetailsOf(m.details) };
    const modifiedAt = dateOf(m.modified_at);
    if (modifiedAt) tag.modifiedAt = modifiedAt;
    if (num(m.size) !== undefined) tag.size = num(m.size);
    if (str(m.digest)) tag.digest = m.digest;
    if (str(m.remote_model)) tag.remoteModel = m.remote_model;
    if (str(m.remote_host)) tag.remoteHost = m.remote_host;
    return tag;
  });
}

/** The common ModelInfo of a tag: `id` = name, `createdAt` = `modified_at` (Ollama keeps no creation time). */
export function modelInfoOf(tag: OllamaModelTag): ModelInfo {
  const info: ModelInfo = { id: tag.name };
  if (tag.modifiedAt) info.createdAt = tag.modifiedAt;
  return info;
}

/** Parses `/api/ps`. */
export function parseOllamaPs(json: unknown): OllamaRunningModel[] {
  return modelsOf(json, 'the ps response').map((m) => {
    const name = str(m.name) ?? str(m.model) ?? '';
    const running: OllamaRunningModel = {
      name,
      model: str(m.model) ?? name,
      details: modelDetailsOf(m.details),
    };
    if (num(m.size) !== undefined) running.size = num(m.size);
    if (num(m.size_vram) !== undefined) running.sizeVram = num(m.size_vram);
    if (str(m.digest)) running.digest = m.digest;
    const expiresAt = dateOf(m.expires_at);
    if (expiresAt) running.expiresAt = expiresAt;
    if (num(m.context_length) !== undefined) running.contextLength = num(m.context_length);
    return running;
  });
}

/** Parses `/api/show`. */
export function parseOllamaShow(json: unknown): OllamaShowResult {
  const data = asObject<OllamaWireShowResponse>(json, 'the show response');
  const result: OllamaShowResult = {
    details: modelDetailsOf(data.details),
    modelInfo: typeof data.model_info === 'object' && data.model_info !== null ? { ...data.model_info } : {},
    capabilities: Array.isArray(data.capabilities)
      ? data.capabilities.filter((c): c is string => typeof c === 'string')
      : [],
  };
  for (const key of ['modelfile', 'parameters', 'template', 'system', 'license'] as const) {
    const value = str(data[key]);
    if (value !== undefined) result[key] = value;
  }
  const modifiedAt = dateOf(data.modified_at);
  if (modifiedAt) result.modifiedAt = modifiedAt;
  return result;
}

/** Parses `/api/version`. */
export function parseOllamaVersion(json: unknown): string {
  const version = asObject<{ version?: unknown }>(json, 'the version response').version;
  if (typeof version !== 'string' || version === '') {
    throw new ResponseFormatError('ollama: the version response has no version');
  }
  return version;
}
