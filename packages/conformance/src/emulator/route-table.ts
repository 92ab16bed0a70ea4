import type { RouteHandler, RouteParams } from './types.js';

/** A matched route: its handler and the decoded path parameters. */
export interface RouteMatch {
  readonly handler: RouteHandler;
  readonly params: RouteParams;
}

interface PatternRoute {
  readonly method: string;
  /** Literal segments, or `undefined` where a `:name` parameter sits. */
  readonly literals: readonly (string | undefined)[];
  readonly names: readonly (string | undefined)[];
  readonly handler: RouteHandler;
}

/**
 * Routes declared as `'METHOD /path'` keys; `:name` segments match one path segment (percent-decoded, so a
 * model id such as `meta-llama%2Fllama-3` arrives as `meta-llama/llama-3`). Literal routes are looked up in a map
 * first, so the common case costs one hash lookup.
 */
export class RouteTable {
  readonly #exact = new Map<string, RouteHandler>();
  readonly #patterns: PatternRoute[] = [];

  constructor(routes: Readonly<Record<string, RouteHandler>>) {
    for (const [key, handler] of Object.entries(routes)) {
      const space = key.indexOf(' ');
      if (space <= 0 || key[space + 1] !== '/') {
        throw new TypeError(`Route key must look like 'METHOD /path', got '${key}'`);
      }
      const method = key.slice(0, space).toUpperCase();
      const path = key.slice(space + 1);
      if (!path.includes('/:')) {
        this.#exact.set(`${method} ${path}`, handler);
        continue;
      }
      const segments = path.split('/');
      this.#patterns.push({
        method,
        literals: segments.map((segment) => (segment.startsWith(':') ? undefined : segment)),
        names: segments.map((segment) => (segment.startsWith(':') ? segment.slice(1) : undefined)),
        handler,
      });
    }
  }

  /** Finds the handler for a method and a path (no query); `undefined` when nothing matches. */
  match(method: string, path: string): RouteMatch | undefined {
    const exact = this.#exact.get(`${method} ${path}`);
    if (exact) return { handler: exact, params: {} };
    const segments = path.split('/');
    for (const route of this.#patterns) {
      if (route.method !== method || route.literals.length !== segments.length) continue;
      const params = matchSegments(route, segments);
      if (params) return { handler: route.handler, params };
    }
    return undefined;
  }
}

function matchSegments(route: PatternRoute, segments: readonly string[]): RouteParams | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    const name = route.names[i];
    if (name === undefined) {
      if (route.literals[i] !== segment) return undefined;
      continue;
    }
    if (segment === '') return undefined;
    try {
      params[name] = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
  }
  return params;
}
