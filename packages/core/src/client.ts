/**
 * What every provider client shares: its options (endpoints, limits, retry, timeouts, …) and the control
 * surface (stats, endpoints, close) it exposes from the backend underneath. Provider packages use these so
 * that all eleven clients are configured and observed the same way.
 */
import type { Backend, BackendOptions } from './backend.js';
import type { EndpointConfig } from './endpoints.js';
import { AuthenticationError } from './errors/index.js';

/** Options every provider client accepts, besides its own. */
export interface ClientOptions extends Omit<BackendOptions, 'provider' | 'protocol' | 'endpoints'> {
  /** The service's base URL. Provider default and environment variables apply when absent. */
  baseURL?: string;
  /** The credential. Provider environment variables apply when absent. */
  apiKey?: string;
  /**
   * Several endpoints (keys, hosts) multiplexed by `strategy`, each with its own limits. When given,
   * `baseURL` and `apiKey` are defaults for endpoints that leave them out.
   */
  endpoints?: Array<Omit<EndpointConfig, 'baseURL'> & { baseURL?: string }>;
}

/** The control surface of a client: stats, the ledger, endpoint management and shutdown. */
export type BackendControl = Pick<
  Backend,
  | 'stats'
  | 'resetStats'
  | 'recentRequests'
  | 'findRequest'
  | 'addEndpoint'
  | 'removeEndpoint'
  | 'updateEndpoint'
  | 'endpoints'
  | 'lanes'
  | 'close'
  | 'destroy'
>;

/** The control methods of `backend`, bound, for a provider client to spread into itself. */
export function backendControl(backend: Backend): BackendControl {
  return {
    stats: () => backend.stats(),
    resetStats: (endpointId) => backend.resetStats(endpointId),
    recentRequests: (limit) => backend.recentRequests(limit),
    findRequest: (id) => backend.findRequest(id),
    addEndpoint: (config) => backend.addEndpoint(config),
    removeEndpoint: (id) => backend.removeEndpoint(id),
    updateEndpoint: (id, patch) => backend.updateEndpoint(id, patch),
    endpoints: () => backend.endpoints(),
    lanes: () => backend.lanes(),
    close: () => backend.close(),
    destroy: () => backend.destroy(),
  };
}

/** The first non-empty environment variable among `names`. */
export function readEnv(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** How a provider resolves its endpoints from options and the environment. */
export interface EndpointDefaults {
  /** Used when neither options nor environment give a base URL. */
  baseURL: string;
  /** Environment variables that may hold the base URL, in order. */
  baseURLEnv?: string[];
  /** Environment variables that may hold the key, in order. */
  apiKeyEnv?: string[];
  /**
   * When true, an endpoint without a key is refused at once with an AuthenticationError naming the
   * variables to set, before any network call (hosted APIs). Self-hosted servers leave it false.
   */
  requireApiKey?: boolean;
  /** The provider's display name, for messages. */
  provider: string;
}

/**
 * Resolves a client's endpoints: explicit options win over environment variables, which win over the
 * provider's default base URL.
 */
export function resolveEndpoints(options: ClientOptions, defaults: EndpointDefaults): EndpointConfig[] {
  const baseURL = options.baseURL ?? readEnv(...(defaults.baseURLEnv ?? [])) ?? defaults.baseURL;
  const apiKey = options.apiKey ?? readEnv(...(defaults.apiKeyEnv ?? []));
  const configs: EndpointConfig[] =
    options.endpoints && options.endpoints.length > 0
      ? options.endpoints.map((e) => ({ ...e, baseURL: e.baseURL ?? baseURL, apiKey: e.apiKey ?? apiKey }))
      : [{ baseURL, apiKey }];
  if (defaults.requireApiKey) {
    for (const config of configs) {
      if (config.apiKey === undefined || config.apiKey === '') {
        const vars = defaults.apiKeyEnv?.length ? ` or set ${defaults.apiKeyEnv.join(' / ')}` : '';
        throw new AuthenticationError(`${defaults.provider}: no API key; pass apiKey${vars}`, {
          provider: defaults.provider,
        });
      }
    }
  }
  return configs;
}
