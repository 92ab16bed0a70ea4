/** The public types of the OVMS client: its options, model references and operations. */
import type {
  BackendControl,
  ChatCapability,
  ClientOptions,
  EmbedCapability,
  ModelCatalogCapability,
  RequestOptions,
  RerankCapability,
  RerankRequest,
  RerankResult,
  TensorInferenceCapability,
} from '@ipfs-accelerate/core';
import type { OvmsCompletionRequest, OvmsCompletionResult } from './ovms-completions.js';
import type {
  KServeModelMetadata,
  KServeServerMetadata,
  OvmsInferRequest,
  OvmsInferResult,
} from './ovms-kserve.js';
import type { OvmsSettings } from './ovms-settings.js';
import type {
  TfsModelMetadata,
  TfsModelRef,
  TfsModelVersionStatus,
  TfsPredictRequest,
  TfsPredictResult,
} from './ovms-tfs.js';

/** Options of `createOvms`: the common client options plus the seed's OVMS settings. */
export interface OvmsOptions extends ClientOptions {
  /** The model of requests that name none. @default `OVMS_MODEL`, else `'model'` */
  model?: string;
  /** The version of KServe and `/v1` calls that give none. @default `OVMS_VERSION`, else `'latest'` (none) */
  version?: string | number;
  /** The seed's precision, kept in `settings` (never sent). @default `OVMS_PRECISION`, else `'FP32'` */
  precision?: string;
  /**
   * Ask `/v3` streams for the final usage chunk (`stream_options.include_usage`); turn off for servables
   * without continuous batching, which do not take it. @default true
   */
  streamUsage?: boolean;
  /** Headers sent with every request (not for keys: use `apiKey`). */
  headers?: Record<string, string>;
}

/** Which model (and version) a KServe call addresses; the client's defaults fill what is left out. */
export interface OvmsModelRef {
  model?: string;
  /** A positive integer, or `'latest'` for the newest. */
  version?: string | number;
}

/** An OVMS client: tensor inference, chat, embeddings, rerank, completions, the legacy `/v1` API, control. */
export interface OvmsClient
  extends TensorInferenceCapability,
    ChatCapability,
    EmbedCapability,
    RerankCapability,
    ModelCatalogCapability,
    BackendControl {
  readonly provider: 'ovms';
  /** The defaults in force (model, version, precision). */
  readonly settings: OvmsSettings;
  /** `GET /v2/health/live`: true on 200, false on a 4xx or 503. Not retried. Operation `server-live`. */
  serverLive(options?: RequestOptions): Promise<boolean>;
  /** `GET /v2/health/ready`: true on 200, false on a 4xx or 503. Not retried. Operation `server-ready`. */
  serverReady(options?: RequestOptions): Promise<boolean>;
  /** `GET /v2`: name, version, extensions. Operation `server-metadata`. */
  serverMetadata(options?: RequestOptions): Promise<KServeServerMetadata>;
  /**
   * `GET /v2/models/{m}[/versions/{v}]/ready`: true on 200, false on a 4xx or 503; an unknown model or
   * version (404) throws NotFoundError. Not retried. Operation `model-ready`.
   */
  modelReady(ref?: OvmsModelRef, options?: RequestOptions): Promise<boolean>;
  /** `GET /v2/models/{m}[/versions/{v}]`. Operation `model-metadata`. */
  modelMetadata(ref?: OvmsModelRef, options?: RequestOptions): Promise<KServeModelMetadata>;
  /** `POST /v2/models/{m}[/versions/{v}]/infer`, tensors checked before sending. Operation `infer`. */
  infer(request: OvmsInferRequest, options?: RequestOptions): Promise<OvmsInferResult>;
  /** `POST /v3/completions` (one string prompt). Operation `completions`. */
  completions(request: OvmsCompletionRequest, options?: RequestOptions): Promise<OvmsCompletionResult>;
  /** `POST /v3/rerank` (Cohere-style). Operation `rerank`. */
  rerank(request: RerankRequest, options?: RequestOptions): Promise<RerankResult>;
  /** `POST /v1/models/{m}[/versions/{v}|/labels/{l}]:predict` (TF Serving, pre-2026 servers). */
  predict(request: TfsPredictRequest, options?: RequestOptions): Promise<TfsPredictResult>;
  /** `GET /v1/models/{m}[/versions/{v}]`: the versions and their states. Operation `model-status`. */
  modelStatus(ref?: TfsModelRef, options?: RequestOptions): Promise<TfsModelVersionStatus[]>;
  /** `GET /v1/models/{m}[/versions/{v}]/metadata` (TF signatures). Operation `tfs-model-metadata`. */
  tfsModelMetadata(ref?: TfsModelRef, options?: RequestOptions): Promise<TfsModelMetadata>;
}
