/**
 * Security of every provider factory, as a user builds it: only absolute http(s) base URLs without
 * credentials, query or fragment; a CR or LF in the key, a header option or a per-call header fails with
 * InvalidRequestError before any I/O and without echoing the value; a redirect is a typed error carrying
 * its status and is never followed; TLS verification is on (an unverifiable certificate is a typed
 * ConnectionError; trusting a private CA through `dispatcher` is proven in core's transport/tls.test.ts).
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createClaude } from '@ipfs-accelerate/claude';
import {
  AccelerateError,
  type BackendControl,
  ConnectionError,
  InvalidRequestError,
  type RequestOptions,
} from '@ipfs-accelerate/core';
import {
  hasOpenssl,
  type LoopbackServer,
  selfSignedCertificate,
  startLoopbackServer,
} from '@ipfs-accelerate/core/testing';
import { createGemini } from '@ipfs-accelerate/gemini';
import { createGroq } from '@ipfs-accelerate/groq';
import { createHfTei } from '@ipfs-accelerate/hf-tei';
import { createHfTgi } from '@ipfs-accelerate/hf-tgi';
import { createLlvm } from '@ipfs-accelerate/llvm';
import { createOllama } from '@ipfs-accelerate/ollama';
import { createOpea } from '@ipfs-accelerate/opea';
import { createOpenAI } from '@ipfs-accelerate/openai';
import { createOvms } from '@ipfs-accelerate/ovms';
import { createS3Kit } from '@ipfs-accelerate/s3-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { s3EmulatorSecret } from './emulators/s3.js';
import { claudeSubject } from './subjects/claude.js';
import { geminiSubject } from './subjects/gemini.js';
import { groqSubject } from './subjects/groq.js';
import { hfTeiSubject } from './subjects/hf-tei.js';
import { hfTgiSubject } from './subjects/hf-tgi.js';
import { llvmSubject } from './subjects/llvm.js';
import { ollamaSubject } from './subjects/ollama.js';
import { opeaSubject } from './subjects/opea.js';
import { openaiSubject } from './subjects/openai.js';
import { ovmsSubject } from './subjects/ovms.js';
import { s3KitSubject } from './subjects/s3-kit.js';
import type { ConformanceSubject } from './suite/types.js';

const KEY = 'security-test-key-3c9d1e7f0a2b';
const SECRET = 'hunter2-in-the-url';
const INJECTED = 'evil-value\r\nx-injected: 1';
const NO_RETRY = { maxRetries: 0 } as const;

/** What a factory is called with here: what a user passes, plus provider-specific options. */
interface FactoryInput {
  baseURL: string;
  apiKey: string;
  headers?: Record<string, string>;
  [option: string]: unknown;
}

interface Provider {
  name: string;
  subject: () => ConformanceSubject;
  /** The package's factory, called the way its README shows (S3: endpoint and an access key pair). */
  create(input: FactoryInput): BackendControl;
  /** Options of the provider that end up in a request header. */
  headerOptions: ReadonlyArray<Record<string, unknown>>;
}

const s3 = ({ baseURL, apiKey, headers, sessionToken, ...rest }: FactoryInput): BackendControl =>
  createS3Kit({
    region: 'us-east-1',
    addressing: 'path',
    retry: NO_RETRY,
    ...rest,
    // The kit has no client-wide headers option (endpoint headers are the way), and an endpoint's
    // credentials come as one set: key id, secret and session token together.
    endpoints: [
      {
        baseURL,
        accessKeyId: apiKey,
        secretAccessKey: s3EmulatorSecret(apiKey),
        ...(sessionToken === undefined ? {} : { sessionToken: sessionToken as string }),
        ...(headers ? { headers } : {}),
      },
    ],
  });

const PROVIDERS: readonly Provider[] = [
  {
    name: 'openai',
    subject: openaiSubject as () => ConformanceSubject,
    create: (input) => createOpenAI({ retry: NO_RETRY, ...input }),
    headerOptions: [{ organization: INJECTED }, { project: INJECTED }],
  },
  {
    name: 'claude',
    subject: claudeSubject as () => ConformanceSubject,
    create: (input) => createClaude({ retry: NO_RETRY, ...input }),
    headerOptions: [{ anthropicVersion: INJECTED }, { betas: [INJECTED] }],
  },
  {
    name: 'groq',
    subject: groqSubject as () => ConformanceSubject,
    create: (input) => createGroq({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'gemini',
    subject: geminiSubject as () => ConformanceSubject,
    create: (input) => createGemini({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'ollama',
    subject: ollamaSubject as () => ConformanceSubject,
    create: (input) => createOllama({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'hf-tgi',
    subject: hfTgiSubject as () => ConformanceSubject,
    create: (input) => createHfTgi({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'hf-tei',
    subject: hfTeiSubject as () => ConformanceSubject,
    create: (input) => createHfTei({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'llvm',
    subject: llvmSubject as () => ConformanceSubject,
    create: (input) => createLlvm({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 'ovms',
    subject: ovmsSubject as () => ConformanceSubject,
    // The subject's cheap call is KServe inference on its emulator's model.
    create: (input) => createOvms({ retry: NO_RETRY, model: process.env.OVMS_MODEL ?? 'double', ...input }),
    headerOptions: [],
  },
  {
    name: 'opea',
    subject: opeaSubject as () => ConformanceSubject,
    create: (input) => createOpea({ retry: NO_RETRY, ...input }),
    headerOptions: [],
  },
  {
    name: 's3-kit',
    subject: s3KitSubject as () => ConformanceSubject,
    create: s3,
    headerOptions: [{ sessionToken: INJECTED }],
  },
];

/** Every text of an error a user could print. */
function errorTexts(error: unknown): string {
  const texts = [String(error), JSON.stringify(error)];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    texts.push(current.message, current.stack ?? '');
    current = current.cause;
  }
  return texts.join('\n');
}

/** The error of building a client and making the subject's cheap call with it (construction may throw). */
async function failureOf(
  provider: Provider,
  subject: ConformanceSubject,
  input: FactoryInput,
  options?: RequestOptions,
): Promise<unknown> {
  let client: BackendControl;
  try {
    client = provider.create(input);
  } catch (error) {
    return error;
  }
  try {
    await subject.call(client, 'security', options);
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.destroy();
  }
}

const BAD_BASE_URLS = [
  'file:///etc/passwd',
  'ftp://127.0.0.1/pub',
  'javascript:alert(1)',
  'data:text/plain,hello',
  'ws://127.0.0.1:1/socket',
  'wss://127.0.0.1:1/socket',
  `http://user:${SECRET}@127.0.0.1:1/v1`,
  `http://user:${SECRET}@[not-a-host/v1`,
  `htt p://user:${SECRET}@127.0.0.1:1/v1`,
  `http://127.0.0.1:1/v1?key=${SECRET}`,
  `http://127.0.0.1:1/v1#${SECRET}`,
];
// Scheme-less text: a relative URL to most factories, a host name to Ollama (`OLLAMA_HOST` semantics).
const RELATIVE_BASE_URLS = ['/v1', 'v1/chat'];

describe.each(PROVIDERS)('$name', (provider) => {
  it('refuses non-http(s), relative, credentialed, query and fragment base URLs at construction', async () => {
    // An empty base URL is refused, except by the S3 kit, which reads it as unset (the AWS endpoint).
    const bad = [
      ...BAD_BASE_URLS,
      ...(provider.name === 'ollama' ? [] : RELATIVE_BASE_URLS),
      ...(provider.name === 's3-kit' ? [] : ['']),
    ];
    for (const baseURL of bad) {
      let error: unknown;
      try {
        await provider.create({ baseURL, apiKey: KEY }).destroy();
      } catch (e) {
        error = e;
      }
      expect(error, `${provider.name} with baseURL ${JSON.stringify(baseURL)}`).toBeInstanceOf(
        InvalidRequestError,
      );
      expect(errorTexts(error), `${provider.name} with baseURL ${JSON.stringify(baseURL)}`).not.toContain(
        SECRET,
      );
    }
    // At run time too.
    const client = provider.create({ baseURL: 'http://127.0.0.1:1', apiKey: KEY });
    try {
      for (const baseURL of BAD_BASE_URLS) {
        expect(() => client.addEndpoint({ baseURL }), baseURL).toThrow(InvalidRequestError);
        expect(() => client.updateEndpoint(client.endpoints()[0]?.id ?? '', { baseURL }), baseURL).toThrow(
          InvalidRequestError,
        );
      }
      expect(client.endpoints()).toHaveLength(1);
      expect(client.endpoints()[0]?.baseURL).toBe('http://127.0.0.1:1');
    } finally {
      await client.destroy();
    }
  });

  it('a CR or LF in the key, a header option or a per-call header fails before any I/O, unechoed', async () => {
    const subject = provider.subject();
    const emulator = await subject.startEmulator({ apiKeys: [KEY] });
    try {
      const base = { baseURL: emulator.baseURL, apiKey: KEY };
      const attempts: Array<[string, FactoryInput, RequestOptions?]> = [
        ['the key', { ...base, apiKey: `${KEY}\r\nx-injected: 1` }],
        ['the key (LF only)', { ...base, apiKey: `${KEY}\nx-injected: 1` }],
        ['the headers option', { ...base, headers: { 'x-custom': INJECTED } }],
        ['a per-call header', base, { headers: { 'x-custom': INJECTED } }],
        ...provider.headerOptions.map((option): [string, FactoryInput] => [
          `option ${Object.keys(option).join()}`,
          { ...base, ...option },
        ]),
      ];
      for (const [what, input, options] of attempts) {
        const error = await failureOf(provider, subject, input, options);
        expect(error, `${provider.name}: ${what}`).toBeInstanceOf(InvalidRequestError);
        const texts = errorTexts(error);
        expect(texts, `${provider.name}: ${what}`).not.toContain('evil-value');
        expect(texts, `${provider.name}: ${what}`).not.toContain('x-injected');
      }
      expect(emulator.requests).toHaveLength(0);
      // The same client works once nothing is injected: the failures above were about the values.
      expect(await failureOf(provider, subject, base)).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });

  describe('redirects', () => {
    let server: LoopbackServer;
    let other: LoopbackServer;

    beforeAll(async () => {
      other = await startLoopbackServer({ handler: (ex) => ex.json(200, { stolen: true }) });
      server = await startLoopbackServer();
    });

    afterEach(() => server.handle(undefined));

    afterAll(async () => {
      await server.close();
      await other.close();
    });

    it.each([301, 302, 307, 308])(
      'a %i to another origin is a typed error with that status, not followed',
      async (status) => {
        server.handle((ex) => ex.respond(status, '', { location: other.url(ex.url) }));
        const subject = provider.subject();
        const error = await failureOf(provider, subject, { baseURL: server.url(''), apiKey: KEY });
        expect(AccelerateError.isInstance(error), String(error)).toBe(true);
        expect((error as AccelerateError).status).toBe(status);
        expect((error as AccelerateError).retryable).toBe(false);
        // The status mapping's answer (caller-side, not retried, not a breaker failure), not a parse failure.
        expect((error as AccelerateError).code).toBe('invalid_request');
        expect(other.connectionCount).toBe(0);
      },
    );
  });
});

describe.skipIf(!hasOpenssl())('TLS through a provider (OpenAI, certificate made by the openssl CLI)', () => {
  let cert: string;
  let server: HttpsServer;
  let origin: string;
  let handled = 0;

  beforeAll(async () => {
    const pair = selfSignedCertificate('IP:127.0.0.1');
    cert = pair.cert;
    server = createHttpsServer({ key: pair.key, cert }, (req, res) => {
      handled++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [] }));
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('an unverifiable certificate is a non-retryable ConnectionError and the handler never runs', async () => {
    const client = createOpenAI({ baseURL: `${origin}/v1`, apiKey: KEY, retry: { maxRetries: 2 } });
    try {
      const error = await client.listModels().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as ConnectionError).retryable).toBe(false);
      expect((error as ConnectionError).message).toMatch(/TLS failed/);
      expect(errorTexts(error)).not.toContain(KEY);
      expect(handled).toBe(0);
    } finally {
      await client.destroy();
    }
  });
});
