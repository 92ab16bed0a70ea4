/** `CallSpec.keepsBody`: a body handed to the caller keeps the request's concurrency slot until it is done. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Backend, type CallSpec, createBackend } from './backend.js';
import { FakeClock } from './clock.js';
import {
  type LoopbackExchange,
  type LoopbackServer,
  startLoopbackServer,
} from './testing/loopback-server.js';
import { waitFor } from './testing/wait-for.js';
import type { ResponseBody } from './transport/http-types.js';

let server: LoopbackServer;
let backend: Backend;
/** Exchanges whose body is held open after a first chunk, waiting for the test to end them. */
const open: LoopbackExchange[] = [];

beforeEach(async () => {
  server = await startLoopbackServer();
  server.handle(async (ex) => {
    ex.writeHead(200, { 'content-type': 'application/octet-stream' });
    await ex.write('first ');
    open.push(ex);
  });
  backend = createBackend({
    provider: 'test',
    endpoints: [{ id: 'a', baseURL: server.url() }],
    queue: { concurrency: 1 },
    clock: new FakeClock(1_700_000_000_000),
    timeouts: { idleMs: 60_000 },
  });
});

afterEach(async () => {
  open.splice(0);
  await backend.destroy();
  await server.close();
});

/** A download: the result is the body itself, read by the caller. */
const download = (keepsBody: boolean): CallSpec<ResponseBody> => ({
  operation: 'download',
  method: 'GET',
  path: '/object',
  keepsBody,
  parse: (response) => response.body,
});

async function readAll(body: ResponseBody): Promise<string> {
  let text = '';
  for await (const chunk of body) text += Buffer.from(chunk).toString();
  return text;
}

describe('CallSpec.keepsBody', () => {
  it('holds the slot while the caller reads: the next call waits until the body has arrived', async () => {
    const first = await backend.call(download(true));
    const second = backend.call(download(true));
    const reading = readAll(first);
    await waitFor(() => open.length === 1, 'the first body held open');
    // The second call is queued behind the first body, not sent.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(server.exchanges).toHaveLength(1);
    expect(backend.lanes()[0]?.queue.size).toBe(1);
    open[0]?.end('last');
    expect(await reading).toBe('first last');
    await waitFor(() => server.exchanges.length === 2, 'the second call sent once the first body ended');
    const body = await second;
    open[1]?.end('!');
    expect(await readAll(body)).toBe('first !');
  });

  it('frees the slot when the caller stops reading early', async () => {
    const first = await backend.call(download(true));
    for await (const _ of first) break;
    const second = await backend.call(download(true));
    expect(server.exchanges).toHaveLength(2);
    second.cancel();
  });

  it('frees the slot when the body fails mid-way', async () => {
    const first = await backend.call(download(true));
    const reading = readAll(first).catch((error: unknown) => error);
    await waitFor(() => open.length === 1, 'the body held open');
    open[0]?.destroy();
    expect(await reading).toMatchObject({ code: expect.any(String) });
    const second = await backend.call(download(true));
    expect(server.exchanges).toHaveLength(2);
    second.cancel();
  });

  it('without it, the body is the caller’s problem: the slot is free at once (and the body cancelled)', async () => {
    const first = await backend.call(download(false));
    const second = await backend.call(download(false));
    expect(server.exchanges).toHaveLength(2);
    expect(first.consumed && second.consumed).toBe(true);
  });
});
