/**
 * A small TEI stand-in for the package's tests: real HTTP on 127.0.0.1 (core's loopback server), routes by
 * path, deterministic vectors, and hooks to hold or fail chosen requests. The full emulator with fault
 * scripts lives in the conformance package; this one only has to be honest about the shapes.
 */
import {
  type LoopbackExchange,
  type LoopbackServer,
  startLoopbackServer,
} from '@ipfs-accelerate/core/testing';

export interface FakeTeiRequest {
  method: string;
  path: string;
  json: unknown;
  headers: LoopbackExchange['headers'];
}

export interface FakeTei {
  readonly baseURL: string;
  readonly requests: FakeTeiRequest[];
  readonly loopback: LoopbackServer;
  /** Overrides one route: return true when the handler answered. */
  override(
    handler: (exchange: LoopbackExchange, request: FakeTeiRequest) => boolean | Promise<boolean>,
  ): void;
  close(): Promise<void>;
}

/** A deterministic 4-dimensional vector for a text. */
export function vectorOf(text: string): number[] {
  let h = 7;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) % 1000;
  return [text.length, h / 1000, 1, -1];
}

export const INFO = {
  model_id: 'BAAI/bge-small-en-v1.5',
  model_sha: null,
  model_dtype: 'float32',
  served_model_name: 'bge-small',
  model_type: { embedding: { pooling: 'cls' } },
  max_concurrent_requests: 512,
  max_input_length: 512,
  max_batch_tokens: 16384,
  max_batch_requests: null,
  max_client_batch_size: 3,
  auto_truncate: false,
  tokenization_workers: 2,
  version: '1.9.3',
  sha: null,
  docker_label: null,
};

function inputsOf(json: unknown): string[] {
  const inputs = (json as { inputs?: unknown; input?: unknown; texts?: unknown }) ?? {};
  const value = inputs.inputs ?? inputs.input ?? inputs.texts;
  return typeof value === 'string' ? [value] : (value as string[]);
}

export async function startFakeTei(info: Record<string, unknown> = INFO): Promise<FakeTei> {
  const requests: FakeTeiRequest[] = [];
  let override: ((e: LoopbackExchange, r: FakeTeiRequest) => boolean | Promise<boolean>) | undefined;
  const loopback = await startLoopbackServer({
    handler: async (exchange) => {
      const text = exchange.body.toString('utf8');
      const request: FakeTeiRequest = {
        method: exchange.method,
        path: exchange.url,
        json: text ? JSON.parse(text) : undefined,
        headers: exchange.headers,
      };
      requests.push(request);
      if (override && (await override(exchange, request))) return;
      const limit = info.max_client_batch_size as number;
      const inputs = request.method === 'POST' && request.path !== '/decode' ? inputsOf(request.json) : [];
      if (inputs.length > limit) {
        exchange.json(413, {
          error: `batch size ${inputs.length} > maximum allowed batch size ${limit}`,
          error_type: 'Validation',
        });
        return;
      }
      switch (`${request.method} ${request.path}`) {
        case 'GET /info':
          return exchange.json(200, info);
        case 'GET /health':
          return exchange.respond(200);
        case 'POST /embed':
          return exchange.json(200, inputs.map(vectorOf));
        case 'POST /embed_sparse':
          return exchange.json(
            200,
            inputs.map((t) => [{ index: t.length, value: 0.5 }]),
          );
        case 'POST /embed_all':
          return exchange.json(
            200,
            inputs.map((t) => t.split(' ').map(vectorOf)),
          );
        case 'POST /rerank': {
          const body = request.json as { texts: string[]; return_text?: boolean };
          const ranks = body.texts.map((t, index) => ({
            index,
            score: t.length / 100,
            ...(body.return_text ? { text: t } : {}),
          }));
          return exchange.json(
            200,
            ranks.sort((a, b) => b.score - a.score),
          );
        }
        case 'POST /tokenize':
          return exchange.json(
            200,
            inputs.map((t) => [
              { id: 101, text: '[CLS]', special: true, start: null, stop: null },
              { id: t.length, text: t, special: false, start: 0, stop: t.length },
            ]),
          );
        case 'POST /decode':
          return exchange.json(
            200,
            (request.json as { ids: number[][] }).ids.map((ids) => ids.join('-')),
          );
        case 'POST /v1/embeddings':
          return exchange.json(200, {
            object: 'list',
            data: inputs.map((t, index) => ({ object: 'embedding', embedding: vectorOf(t), index })),
            model: 'bge-small',
            usage: { prompt_tokens: inputs.length * 2, total_tokens: inputs.length * 2 },
          });
        default:
          return exchange.json(404, { error: 'not found', error_type: 'Validation' });
      }
    },
  });
  return {
    baseURL: loopback.origin,
    requests,
    loopback,
    override(handler) {
      override = handler;
    },
    close: () => loopback.close(),
  };
}
