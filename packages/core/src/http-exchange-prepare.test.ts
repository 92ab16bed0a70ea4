import { describe, expect, it } from 'vitest';
import { prepareRequest } from './http-exchange.js';
import { parseRequestTarget } from './transport/validate-http-request.js';

const lane = (baseURL = 'http://127.0.0.1:9/v1') => ({
  id: 'l',
  baseURL,
  headers: {},
  apiKey: () => 'k',
  secret: () => undefined,
});

describe('prepareRequest without an async adapter', () => {
  it('answers synchronously, with the canonical URL text and no URL object made', () => {
    const result = prepareRequest({ path: '/a b' }, lane(), {}, undefined, 'r');
    expect(result).not.toBeInstanceOf(Promise);
    expect((result as { send: { url: string } }).send.url).toBe('http://127.0.0.1:9/v1/a%20b');
  });

  it('sends the URL an adapter changed or replaced', async () => {
    const changed = await prepareRequest(
      { path: '/models' },
      lane(),
      { authorize: (req) => req.url.searchParams.set('key', 'v') },
      undefined,
      'r',
    );
    expect(changed.send.url).toBe('http://127.0.0.1:9/v1/models?key=v');
    expect(changed.prepared.url.href).toBe(changed.send.url);
    const replaced = await prepareRequest(
      { path: '/models' },
      lane(),
      {
        authorize: (req) => {
          req.url = new URL('http://127.0.0.1:9/other');
        },
      },
      undefined,
      'r',
    );
    expect(replaced.send.url).toBe('http://127.0.0.1:9/other');
  });

  it('waits for an async adapter, and for a thenable one', async () => {
    const pending = prepareRequest(
      { path: '/x' },
      lane(),
      {
        authorize: async (req) => {
          await Promise.resolve();
          req.headers.signed = 'yes';
        },
      },
      undefined,
      'r',
    );
    expect(pending).toBeInstanceOf(Promise);
    expect((await pending).send.headers).toEqual({ signed: 'yes' });
    const thenable = prepareRequest(
      { path: '/x' },
      lane(),
      {
        authorize: (req) =>
          ({
            // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
            then(resolve: () => void) {
              req.headers.late = 'yes';
              resolve();
            },
          }) as unknown as Promise<void>,
      },
      undefined,
      'r',
    );
    expect(thenable).toBeInstanceOf(Promise);
    expect((await thenable).send.headers).toEqual({ late: 'yes' });
  });

  it('keeps building correct URLs after its cache of them filled up', () => {
    for (let i = 0; i < 600; i++) {
      const { send } = prepareRequest(
        { path: `/p${i}` },
        lane(`http://127.0.0.1:9/v${i % 7}`),
        {},
        undefined,
        'r',
      ) as {
        send: { url: string };
      };
      expect(send.url).toBe(`http://127.0.0.1:9/v${i % 7}/p${i}`);
    }
  });
});

describe('parseRequestTarget cache', () => {
  it('gives the same answer for a URL seen before, and correct ones after it filled up', () => {
    const first = parseRequestTarget('http://127.0.0.1:9/a?b=1');
    expect(parseRequestTarget('http://127.0.0.1:9/a?b=1')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    for (let i = 0; i < 600; i++) {
      expect(parseRequestTarget(`http://127.0.0.1:${1000 + i}/p`)).toEqual({
        origin: `http://127.0.0.1:${1000 + i}`,
        path: '/p',
      });
    }
    expect(() => parseRequestTarget('ftp://127.0.0.1/a')).toThrow(/http: or https:/);
    expect(() => parseRequestTarget('ftp://127.0.0.1/a')).toThrow(/http: or https:/);
  });
});
