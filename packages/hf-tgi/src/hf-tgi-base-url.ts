/** Where the client sends requests: a self-hosted TGI server, or the hosted Hugging Face inference API. */
import { readEnv } from '@ipfs-accelerate/core';

/** The self-hosted default: TGI's Docker image listens on 80, mapped to 8080 in Hugging Face's examples. */
export const HF_TGI_DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
/** The hosted API's base; models go after it as `/models/<model>` (the seed used `https://api-inference.huggingface.co`). */
export const HF_INFERENCE_DEFAULT_BASE_URL = 'https://router.huggingface.co/hf-inference';
/** The model the seed's hosted mode used by default. */
export const HF_INFERENCE_DEFAULT_MODEL = 'mistralai/Mistral-7B-Instruct-v0.2';
/** The `model` of self-hosted `/v1/chat/completions` bodies: TGI serves one model and accepts any name. */
export const HF_TGI_DEFAULT_CHAT_MODEL = 'tgi';
/** Environment variables of the self-hosted base URL, in order. */
export const HF_TGI_BASE_URL_ENV = ['HF_TGI_BASE_URL', 'TGI_BASE_URL'] as const;
/** Environment variables of the key, in order (`HF_API_KEY`/`HF_API_TOKEN` are the seed's). */
export const HF_API_KEY_ENV = ['HF_API_KEY', 'HF_API_TOKEN', 'HF_TOKEN'] as const;

/** How the client talks to the service. */
export type HfTgiMode = 'self-hosted' | 'hosted';

/** The base URL of a mode: explicit option, then (self-hosted) the environment, then the default. */
export function resolveHfTgiBaseURL(mode: HfTgiMode, baseURL: string | undefined): string {
  if (baseURL !== undefined) return baseURL;
  if (mode === 'hosted') return HF_INFERENCE_DEFAULT_BASE_URL;
  return readEnv(...HF_TGI_BASE_URL_ENV) ?? HF_TGI_DEFAULT_BASE_URL;
}

/** The path of a hosted model: `/models/<org>/<name>`, each segment percent-encoded. */
export function hostedModelPath(model: string): string {
  return `/models/${model.split('/').map(encodeURIComponent).join('/')}`;
}
