/** The commonest operation of a JSON API, as one line: a request whose answer is one JSON body. */
import type { AttemptContext, CallSpec } from './backend.js';

/**
 * A {@link CallSpec} whose response body is parsed as JSON and handed to `read` (which throws a taxonomy error
 * for a bad body). `extra` adds the rest of the spec: `json` (which also makes it a POST), `query`, `headers`,
 * `usage`, `method`, `retry`.
 *
 * @example
 * ```ts
 * backend.call(jsonCall('list-models', '/models', parseModelList), options);
 * backend.call(jsonCall('chat', '/chat', parseChat, { json: body, usage: (r) => r.usage }), options);
 * ```
 */
export function jsonCall<T>(
  operation: string,
  path: string,
  read: (body: unknown, context: AttemptContext) => T,
  extra: Omit<CallSpec<T>, 'operation' | 'path' | 'parse'> = {},
): CallSpec<T> {
  return {
    ...extra,
    operation,
    path,
    parse: async (response, context) => read(await response.body.json(), context),
  };
}
