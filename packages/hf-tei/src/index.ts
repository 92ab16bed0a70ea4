/**
 * @ipfs-accelerate/hf-tei: a resilient client for Hugging Face Text Embeddings Inference on the
 * ipfs-accelerate core, with server-sized batching of large inputs.
 *
 * ```ts
 * import { createHfTei } from '@ipfs-accelerate/hf-tei';
 * const tei = createHfTei({ baseURL: 'http://127.0.0.1:8080' });
 * const [vector] = await tei.embed({ inputs: 'What is Deep Learning?' });
 * ```
 */

export { splitIntoBatches } from './hf-tei-batches.js';
export {
  createHfTei,
  HF_TEI_DEFAULT_BASE_URL,
  type HfTeiClient,
  type HfTeiOptions,
} from './hf-tei-client.js';
export type { HfTeiBatchingOptions } from './hf-tei-coalesce.js';
export type {
  HfTeiEmbedParams,
  HfTeiEmbedRequest,
  HfTeiInputOptions,
  HfTeiInputsRequest,
  HfTeiSparseValue,
  HfTeiTruncationDirection,
} from './hf-tei-embed.js';
export { type HfTeiErrorType, hfTeiErrorType, parseHfTeiError } from './hf-tei-error.js';
export type { HfTeiInfo, HfTeiModelKind } from './hf-tei-info.js';
export type { HfTeiRank, HfTeiRerankRequest } from './hf-tei-rerank.js';
export type {
  HfTeiDecodeRequest,
  HfTeiToken,
  HfTeiTokenizeRequest,
} from './hf-tei-tokenize.js';
export { cosineSimilarity, l2Normalize } from './vector-math.js';
