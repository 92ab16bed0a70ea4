import { afterEach, beforeEach, expect, it } from 'vitest';
import { ResponseFormatError } from '../errors/index.js';
import { type LoopbackServer, startLoopbackServer } from '../testing/loopback-server.js';
import { requestJson } from './request-json.js';
import { UndiciTransport } from './undici-transport.js';

let server: LoopbackServer;
let transport: UndiciTransport;

beforeEach(async () => {
  server = await startLoopbackServer();
  transport = new UndiciTransport();
});

afterEach(async () => {
  await transport.destroy();
  await server.close();
});

it('sends json with content-type and accept, and parses the reply whatever the status', async () => {
  server.handle((ex) =>
    ex.json(422, {
      echo: JSON.parse(ex.body.toString()),
      type: ex.headers['content-type'],
      accept: ex.headers.accept,
    }),
  );
  const res = await requestJson<{ echo: unknown; type: string; accept: string }>(transport, {
    url: server.url('/x'),
    method: 'POST',
    json: { a: 1 },
  });
  expect(res.status).toBe(422);
  expect(res.data).toEqual({ echo: { a: 1 }, type: 'application/json', accept: 'application/json' });
});

it('keeps a caller content-type, returns undefined data for an empty body, and rejects malformed JSON', async () => {
  server.handleOnce((ex) => ex.respond(204, '', { 'x-type': String(ex.headers['content-type']) }));
  const empty = await requestJson(transport, {
    url: server.url(),
    method: 'POST',
    json: [],
    headers: { 'Content-Type': 'application/vnd.custom+json' },
  });
  expect(empty.data).toBeUndefined();
  expect(empty.headers['x-type']).toBe('application/vnd.custom+json');

  server.handleOnce((ex) => ex.respond(500, 'Internal <b>error</b>'));
  const error = await requestJson(transport, { url: server.url(), method: 'GET' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ResponseFormatError);
  expect((error as ResponseFormatError).status).toBe(500);
});
