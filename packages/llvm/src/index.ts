/**
 * @ipfs-accelerate/llvm: a resilient client for the "LLVM" inference-server contract of the ipfs_accelerate_py
 * seed, written down in this package's `openapi.yaml`, on the ipfs-accelerate core.
 *
 * ```ts
 * import { createLlvm } from '@ipfs-accelerate/llvm';
 * const llvm = createLlvm({ baseURL: 'http://localhost:8090', batching: { maxSize: 8, maxWaitMs: 50 } });
 * const { outputs } = await llvm.infer({ model: 'bert-base', input: 'hello' });
 * ```
 */
export type {
  LlvmBatchInferRequest,
  LlvmBatchInferResult,
  LlvmExecuteRequest,
  LlvmExecuteResult,
  LlvmInferParameters,
  LlvmInferRequest,
  LlvmInferResult,
  LlvmModel,
  LlvmModelStatistics,
  LlvmModelStatus,
  LlvmOptimizationLevel,
  LlvmOptimizeRequest,
  LlvmOptimizeResult,
  LlvmPrecision,
  LlvmReloadRequest,
  LlvmServerStatus,
} from './llvm-api-types.js';
export { createLlvm, type LlvmClient, type LlvmOptions } from './llvm-client.js';
export { LLVM_OPTIMIZATION_LEVELS } from './llvm-code.js';
export {
  LLVM_MODEL_NOT_LOADED,
  LLVM_REQUEST_ID_HEADER,
  llvmProtocol,
  parseLlvmError,
} from './llvm-error.js';
export {
  LLVM_DEFAULT_BASE_URL,
  LLVM_DEFAULT_BATCHING,
  type LlvmBatchingOptions,
} from './llvm-options.js';
