/**
 * Where the Ollama server is. Ollama's own `OLLAMA_HOST` is usually written for the server (`0.0.0.0:11434`,
 * `:11434`, `myhost`), not as a URL, and the seed's `OLLAMA_API_URL` ends in `/api`; both are turned into a
 * base URL the same way the official clients do before request paths (`/api/chat`, …) are appended.
 */
import { quoteUrl, readEnv } from '@ipfs-accelerate/core';
import { check } from './ollama-validate.js';

/** The default base URL: a local server on Ollama's port. */
export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';

/** Ollama's port, used when a host is given without a scheme and without a port. */
export const OLLAMA_DEFAULT_PORT = 11434;

/**
 * Turns an Ollama host into a base URL: `localhost:11434` and `myhost` get `http://` (and port 11434 when
 * none is given), `:11434` means 127.0.0.1, the wildcard bind addresses `0.0.0.0` and `[::]` become the
 * loopback address (one binds to them, one cannot meaningfully connect to them), and trailing slashes go.
 * A URL with an explicit scheme keeps its port (or the scheme's default); bare `ollama.com` is HTTPS.
 */
export function normalizeOllamaHost(host: string): string {
  if (typeof host !== 'string' || host.trim() === '') {
    throw check.invalid('host must be a non-empty string');
  }
  let text = host.trim();
  const explicitScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (!explicitScheme) {
    // As the Ollama CLI does: the cloud host without a scheme means HTTPS on its default port.
    if (text === 'ollama.com') return 'https://ollama.com';
    if (text.startsWith(':')) text = `127.0.0.1${text}`;
    text = `http://${text}`;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw check.invalid(`host is not a valid URL or host:port: ${quoteUrl(host)}`);
  }
  if (!explicitScheme && url.port === '') url.port = String(OLLAMA_DEFAULT_PORT);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  else if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.href.replace(/\/+$/, '');
}

/** Removes the `/api` suffix of a seed-style `OLLAMA_API_URL` (`http://localhost:11434/api`). */
export function stripApiSuffix(baseURL: string): string {
  return baseURL.replace(/\/api\/*$/, '');
}

/** The base URL options of the client. */
export interface OllamaBaseURLOptions {
  baseURL?: string;
  host?: string;
}

/**
 * The base URL: option `baseURL` or `host` (the same thing under Ollama's name), else `OLLAMA_HOST`, else the
 * seed's `OLLAMA_API_URL` without its `/api` suffix, else {@link OLLAMA_DEFAULT_BASE_URL}.
 * Giving `baseURL` and `host` with different values is a mistake and is refused.
 */
export function resolveOllamaBaseURL(options: OllamaBaseURLOptions): string {
  const { baseURL, host } = options;
  if (baseURL !== undefined && host !== undefined) {
    if (normalizeOllamaHost(baseURL) !== normalizeOllamaHost(host)) {
      throw check.invalid('baseURL and host are the same option; give one of them');
    }
  }
  const explicit = baseURL ?? host;
  if (explicit !== undefined) return normalizeOllamaHost(explicit);
  const envHost = readEnv('OLLAMA_HOST');
  if (envHost !== undefined) return normalizeOllamaHost(envHost);
  const apiURL = readEnv('OLLAMA_API_URL');
  if (apiURL !== undefined) return stripApiSuffix(normalizeOllamaHost(apiURL));
  return OLLAMA_DEFAULT_BASE_URL;
}
