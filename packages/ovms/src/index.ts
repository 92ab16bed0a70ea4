/**
 * @ipfs-accelerate/ovms: a resilient client for OpenVINO Model Server on the ipfs-accelerate core: KServe v2
 * tensor inference (`/v2`), the OpenAI-compatible API (`/v3`) and the legacy TensorFlow-Serving API (`/v1`).
 *
 * ```ts
 * import { createOvms } from '@ipfs-accelerate/ovms';
 * const ovms = createOvms({ baseURL: 'http://localhost:8000' });
 * const { outputs } = await ovms.infer({
 *   model: 'resnet',
 *   inputs: [{ name: 'input0', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }],
 * });
 * ```
 */

export type { OvmsClient, OvmsModelRef, OvmsOptions } from './ovms-api.js';
export { createOvmsChatStreamMapper } from './ovms-chat.js';
export { createOvms } from './ovms-client.js';
export type { OvmsCompletionRequest, OvmsCompletionResult } from './ovms-completions.js';
export { ovmsErrorCode, ovmsProtocol, ovmsStreamError, parseOvmsError } from './ovms-error.js';
export type {
  KServeModelMetadata,
  KServeServerMetadata,
  KServeTensorMetadata,
  OvmsInferRequest,
  OvmsInferResult,
} from './ovms-kserve.js';
export {
  normalizeOvmsBaseURL,
  OVMS_DEFAULT_BASE_URL,
  OVMS_DEFAULT_MODEL,
  type OvmsSettings,
} from './ovms-settings.js';
export { elementCount, isTensorDatatype, TENSOR_DATATYPES, validateTensor } from './ovms-tensor.js';
export type {
  TfsModelMetadata,
  TfsModelRef,
  TfsModelVersionStatus,
  TfsPredictRequest,
  TfsPredictResult,
  TfsTensorInfo,
} from './ovms-tfs.js';
