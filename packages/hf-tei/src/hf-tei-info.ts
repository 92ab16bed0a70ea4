/** `GET /info`: what the server serves and its limits, of which `max_client_batch_size` shapes our batches. */
import { ResponseFormatError } from '@ipfs-accelerate/core';

/** The kind of model a TEI server serves; it decides which routes work (`/rerank` needs a reranker, …). */
export type HfTeiModelKind = 'embedding' | 'classifier' | 'reranker';

/** The server's `/info`, in camelCase. */
export interface HfTeiInfo {
  modelId: string;
  modelSha?: string;
  modelDtype: string;
  servedModelName?: string;
  modelType: HfTeiModelKind;
  /** Pooling of an embedding model (`cls`, `mean`, `splade`, `last-token`). */
  pooling?: string;
  /** Labels of a classifier or reranker, by class id. */
  id2label?: Record<string, string>;
  /** Requests the server serves at once; more get an immediate 429 `Overloaded`. */
  maxConcurrentRequests: number;
  maxInputLength: number;
  maxBatchTokens: number;
  maxBatchRequests?: number;
  /** Most inputs one request may carry; the client splits larger inputs into batches of this size. */
  maxClientBatchSize: number;
  autoTruncate: boolean;
  tokenizationWorkers: number;
  version: string;
  sha?: string;
  dockerLabel?: string;
}

function malformed(reason: string): ResponseFormatError {
  return new ResponseFormatError(`hf-tei: malformed /info response: ${reason}`, { provider: 'hf-tei' });
}

function count(o: Record<string, unknown>, key: string, min = 0): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw malformed(`${key} is not an integer >= ${min}`);
  }
  return value;
}

function str(o: Record<string, unknown>, key: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw malformed(`${key} is not a string`);
  return value;
}

function optionalStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function modelTypeOf(value: unknown): Pick<HfTeiInfo, 'modelType' | 'pooling' | 'id2label'> {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const kind = (['embedding', 'classifier', 'reranker'] as const).find((k) => o[k] !== undefined);
  if (kind === undefined) throw malformed('model_type is not {embedding}, {classifier} or {reranker}');
  const detail = (o[kind] ?? {}) as Record<string, unknown>;
  if (kind === 'embedding') {
    const pooling = optionalStr(detail.pooling);
    return pooling === undefined ? { modelType: kind } : { modelType: kind, pooling };
  }
  const labels = detail.id2label;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return { modelType: kind };
  // Only string labels: a body may put anything there, and the type promises strings.
  const id2label: Record<string, string> = {};
  for (const [id, label] of Object.entries(labels)) {
    if (typeof label === 'string')
      Object.defineProperty(id2label, id, {
        value: label,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return { modelType: kind, id2label };
}

/** Parses `/info`; `max_client_batch_size` must be a positive integer, since batches are cut by it. */
export function parseInfoResponse(body: unknown): HfTeiInfo {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw malformed('not a JSON object');
  const o = body as Record<string, unknown>;
  const info: HfTeiInfo = {
    modelId: str(o, 'model_id'),
    modelDtype: str(o, 'model_dtype'),
    ...modelTypeOf(o.model_type),
    maxConcurrentRequests: count(o, 'max_concurrent_requests'),
    maxInputLength: count(o, 'max_input_length'),
    maxBatchTokens: count(o, 'max_batch_tokens'),
    maxClientBatchSize: count(o, 'max_client_batch_size', 1),
    autoTruncate: o.auto_truncate === true,
    tokenizationWorkers: count(o, 'tokenization_workers'),
    version: str(o, 'version'),
  };
  const optional: Array<[keyof HfTeiInfo, unknown]> = [
    ['modelSha', optionalStr(o.model_sha)],
    ['servedModelName', optionalStr(o.served_model_name)],
    ['maxBatchRequests', typeof o.max_batch_requests === 'number' ? o.max_batch_requests : undefined],
    ['sha', optionalStr(o.sha)],
    ['dockerLabel', optionalStr(o.docker_label)],
  ];
  for (const [key, value] of optional) if (value !== undefined) Object.assign(info, { [key]: value });
  return info;
}
