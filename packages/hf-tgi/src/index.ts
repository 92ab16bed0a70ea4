/**
 * @ipfs-accelerate/hf-tgi: a resilient client for Hugging Face Text Generation Inference (self-hosted) and
 * the hosted Hugging Face inference API, on the ipfs-accelerate core.
 *
 * ```ts
 * import { createHfTgi } from '@ipfs-accelerate/hf-tgi';
 * const tgi = createHfTgi({ baseURL: 'http://127.0.0.1:8080' });
 * const { text } = await tgi.generate({ inputs: 'The capital of France is', maxNewTokens: 8 });
 * ```
 */
export type {
  HfTgiBestOfSequence,
  HfTgiDetails,
  HfTgiFinishReason,
  HfTgiInfo,
  HfTgiPrefillToken,
  HfTgiTimings,
  HfTgiToken,
  HfTgiTokenSpan,
} from './hf-tgi-api-types.js';
export {
  HF_API_KEY_ENV,
  HF_INFERENCE_DEFAULT_BASE_URL,
  HF_INFERENCE_DEFAULT_MODEL,
  HF_TGI_BASE_URL_ENV,
  HF_TGI_DEFAULT_BASE_URL,
  HF_TGI_DEFAULT_CHAT_MODEL,
  type HfTgiMode,
} from './hf-tgi-base-url.js';
export {
  createHfTgi,
  type HfTgiClient,
  type HfTgiOptions,
  type HfTgiTokenizeRequest,
} from './hf-tgi-client.js';
export { hfTgiStreamError, parseHfTgiError } from './hf-tgi-error.js';
export {
  type HfTgiGenerateRequest,
  type HfTgiGenerateResult,
  type HfTgiGrammar,
  mapHfTgiFinishReason,
} from './hf-tgi-generate.js';
export type { HfTgiGenerateStreamEvent } from './hf-tgi-generate-stream.js';
