import { describe, expect, it } from 'vitest';
import type { AttemptContext } from './backend.js';
import { jsonCall } from './json-call.js';
import type { HttpResponse } from './transport/http-types.js';

const response = (body: unknown) => ({ body: { json: async () => body } }) as unknown as HttpResponse;
const context = { requestId: 'req_1' } as AttemptContext;

describe('jsonCall', () => {
  it('reads the JSON body with the reader and keeps the rest of the spec', async () => {
    const spec = jsonCall('chat', '/chat', (body, ctx) => ({ body, id: ctx.requestId }), {
      json: { q: 1 },
      usage: () => undefined,
    });
    expect(spec).toMatchObject({ operation: 'chat', path: '/chat', json: { q: 1 } });
    expect(await spec.parse(response({ a: 1 }), context)).toEqual({ body: { a: 1 }, id: 'req_1' });
  });

  it('lets the reader refuse a body', async () => {
    const spec = jsonCall('x', '/x', () => {
      throw new RangeError('bad');
    });
    await expect(spec.parse(response({}), context)).rejects.toThrow('bad');
  });
});
