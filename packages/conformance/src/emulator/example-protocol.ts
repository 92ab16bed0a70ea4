import { startEmulator } from './start-emulator.js';
import type { Emulator, EmulatorDefinition, JsonReply, StreamReply } from './types.js';

/**
 * A minimal protocol showing how to define an emulator; the framework's own tests run against it.
 *
 * - `GET /api/ping` -> `{"ok":true}`; `POST /api/echo` -> the JSON body back; `GET /api/items/:id` -> `{"id"}`.
 * - `POST /api/stream` (`{"count": n}`, default 3) -> SSE: a `{"start":true}` preamble frame, frames `{"n":1..n}`,
 *   terminator `data: [END]`.
 * - Errors `{"error":{"status","code","message"}}`; in-band stream error `data: {"error":{...}}`.
 * - Auth: header `x-api-key` must be one of `apiKeys` (none configured = no auth).
 */
export function exampleProtocol(apiKeys: readonly string[] = []): EmulatorDefinition {
  const errorReply = (status: number, code: string, message: string): JsonReply => ({
    kind: 'json',
    status,
    body: { error: { status, code, message } },
  });
  return {
    name: 'example',
    pathPrefix: '/api',
    routes: {
      'GET /api/ping': () => ({ kind: 'json', status: 200, body: { ok: true } }),
      'POST /api/echo': (request) => ({ kind: 'json', status: 200, body: request.json ?? null }),
      'GET /api/items/:id': (_request, params) => ({ kind: 'json', status: 200, body: { id: params.id } }),
      'POST /api/stream': (request): StreamReply => {
        const asked = (request.json as { count?: unknown } | undefined)?.count;
        const count = typeof asked === 'number' ? asked : 3;
        const frames = [sse({ start: true })];
        for (let n = 1; n <= count; n++) frames.push(sse({ n }));
        return {
          kind: 'stream',
          status: 200,
          contentType: 'text/event-stream',
          frames,
          terminator: 'data: [END]\n\n',
          contentStart: 1,
        };
      },
    },
    authorize: (request) => {
      if (apiKeys.length === 0) return undefined;
      const key = request.headers['x-api-key'];
      if (typeof key === 'string' && apiKeys.includes(key)) return undefined;
      return errorReply(401, 'unauthorized', 'Missing or invalid x-api-key');
    },
    errorReply: (spec) =>
      errorReply(spec.status, spec.code ?? 'error', spec.message ?? `HTTP ${spec.status}`),
    errorFrame: (code, message) =>
      sse({ error: { code: code ?? 'stream_error', message: message ?? 'failed' } }),
    responseHeaders: (request) => ({ 'x-request-id': `example-${request.index}` }),
  };
}

/** Starts the {@link exampleProtocol} emulator. */
export function startExampleEmulator(apiKeys: readonly string[] = []): Promise<Emulator> {
  return startEmulator(exampleProtocol(apiKeys));
}

function sse(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
