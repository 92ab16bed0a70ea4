import { inspect } from 'node:util';
import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createOvms } from './ovms-client.js';

const KEY = 'ovms-secret-4c1e9a77b20f6d35';
const ENV = ['OVMS_API_URL', 'OVMS_MODEL', 'OVMS_VERSION', 'OVMS_PRECISION', 'OVMS_API_KEY'];

let server: ScriptedServer;

beforeEach(async () => {
  for (const name of ENV) vi.stubEnv(name, '');
  server = await startScriptedServer();
});

afterEach(async () => {
  await server.close();
  vi.unstubAllEnvs();
});

const infer = {
  model: 'resnet',
  inputs: [{ name: 'input0', datatype: 'FP32' as const, shape: [2, 2], data: [1, 2, 3, 4] }],
};
const inferReply = {
  model_name: 'resnet',
  model_version: '3',
  id: 'abc',
  outputs: [
    {
      name: 'output0',
      datatype: 'FP32',
      shape: [2, 2],
      data: [
        [2, 4],
        [6, 8],
      ],
    },
  ],
};

describe('secrets', () => {
  it('never shows the key in util.inspect, JSON, the ledger or an error', async () => {
    const client = createOvms({ baseURL: server.origin, apiKey: KEY, retry: { maxRetries: 0 } });
    server.reply({ status: 200, json: inferReply }, { status: 401, json: { error: `bad key ${KEY}` } });
    await client.infer(infer);
    const error = await client.infer(infer).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401, provider: 'ovms' });
    for (const text of [
      inspect(client, { depth: 10 }),
      JSON.stringify(client),
      JSON.stringify(client.recentRequests()),
      (error as Error).message,
      inspect(error),
      JSON.stringify(error),
    ]) {
      expect(text).not.toContain(KEY);
    }
    expect(inspect(client)).toContain('OvmsClient');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    await client.close();
  });
});

describe('settings', () => {
  it('reads the seed variables, explicit options winning', async () => {
    vi.stubEnv('OVMS_API_URL', `${server.origin}/v1/`);
    vi.stubEnv('OVMS_MODEL', 'bert');
    vi.stubEnv('OVMS_VERSION', '2');
    vi.stubEnv('OVMS_PRECISION', 'fp16');
    vi.stubEnv('OVMS_API_KEY', KEY);
    const client = createOvms();
    expect(client.settings).toEqual({ model: 'bert', version: '2', precision: 'FP16' });
    server.reply({ status: 200, json: { ...inferReply, model_name: 'bert' } });
    await client.infer({ ...infer, model: '' });
    expect(server.requests[0]?.url).toBe('/v2/models/bert/versions/2/infer');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    const explicit = createOvms({ baseURL: server.origin, model: 'm', version: 'latest', precision: 'INT8' });
    expect(explicit.settings).toEqual({ model: 'm', version: undefined, precision: 'INT8' });
    await Promise.all([client.close(), explicit.close()]);
  });

  it('defaults to the seed: http://localhost:9000, model, latest, FP32', async () => {
    const client = createOvms();
    expect(client.endpoints()[0]?.baseURL).toMatch(/^http:\/\/localhost:9000\/?$/);
    expect(client.settings).toEqual({ model: 'model', version: undefined, precision: 'FP32' });
    await client.close();
  });

  it('refuses bad settings before anything is sent', () => {
    expect(() => createOvms({ version: 'v2' })).toThrow(/version must be a positive integer/);
    expect(() => createOvms({ precision: 'float' })).toThrow(/precision must be one of/);
    expect(() => createOvms({ headers: { a: 1 as unknown as string } })).toThrow(/header a/);
  });
});

describe('KServe v2', () => {
  it('infers: the body on the wire, the version path and flat outputs', async () => {
    const client = createOvms({ baseURL: server.origin });
    server.reply({ status: 200, json: inferReply });
    const result = await client.infer({
      ...infer,
      version: '3',
      id: 'abc',
      parameters: { priority: 1 },
      outputs: [{ name: 'output0' }],
    });
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v2/models/resnet/versions/3/infer' });
    expect(server.requests[0]?.json).toEqual({
      id: 'abc',
      parameters: { priority: 1 },
      inputs: [{ name: 'input0', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }],
      outputs: [{ name: 'output0' }],
    });
    expect(result).toMatchObject({
      model: 'resnet',
      version: '3',
      id: 'abc',
      outputs: [{ name: 'output0', datatype: 'FP32', shape: [2, 2], data: [2, 4, 6, 8] }],
    });
    expect(result.requestId).toMatch(/^req_/);
    expect(client.recentRequests(1)[0]?.operation).toBe('infer');
    await client.close();
  });

  it('percent-encodes model names with a slash', async () => {
    const client = createOvms({ baseURL: server.origin });
    server.reply({ status: 200, json: { ...inferReply, model_name: 'BAAI/bge' } });
    await client.infer({ ...infer, model: 'BAAI/bge' });
    expect(server.requests[0]?.url).toBe('/v2/models/BAAI%2Fbge/infer');
    await client.close();
  });

  it('refuses an invalid request before any network call', async () => {
    const client = createOvms({ baseURL: server.origin });
    const bad = { ...infer, inputs: [{ ...infer.inputs[0]!, shape: [3, 2] }] };
    await expect(client.infer(bad)).rejects.toMatchObject({ name: 'InvalidRequestError' });
    await expect(client.infer({ ...infer, version: 'x' })).rejects.toThrow(/version/);
    await expect(
      client.infer({ ...infer, outputs: [{ name: 'o', parameters: { binary_data: true } }] }),
    ).rejects.toThrow(/binary_data/);
    await expect(client.infer({ ...infer, inputs: [] })).rejects.toThrow(/non-empty/);
    expect(server.requests).toHaveLength(0);
    expect(client.stats().requests).toBe(0);
    await client.close();
  });

  it('reads a malformed infer response as invalid_response', async () => {
    const client = createOvms({ baseURL: server.origin, retry: { maxRetries: 0 } });
    server.reply(
      {
        status: 200,
        json: { model_name: 'resnet', outputs: [{ name: 'o', datatype: 'FP32', shape: [3], data: [1] }] },
      },
      { status: 200, json: { outputs: [] } },
    );
    await expect(client.infer(infer)).rejects.toMatchObject({ code: 'invalid_response' });
    await expect(client.infer(infer)).rejects.toThrow(/model_name/);
    await client.close();
  });

  it('retries 503 "not ready" as OverloadedError, and maps 404 and 400', async () => {
    const client = createOvms({ baseURL: server.origin, retry: { initialDelayMs: 0, maxRetries: 2 } });
    server.reply(
      { status: 503, json: { error: 'Model with requested version is not loaded yet' } },
      { status: 200, json: inferReply },
      { status: 404, json: { error: 'Model with requested name is not found' } },
      { status: 400, json: { error: 'Invalid input precision' } },
    );
    await client.infer(infer);
    expect(client.recentRequests(1)[0]?.attempts.map((a) => a.errorCode ?? null)).toEqual([
      'overloaded',
      null,
    ]);
    await expect(client.infer(infer)).rejects.toMatchObject({
      name: 'NotFoundError',
      providerCode: 'model_not_found',
      message: 'Model with requested name is not found',
    });
    await expect(client.infer(infer)).rejects.toMatchObject({
      name: 'InvalidRequestError',
      providerCode: 'invalid_precision',
    });
    expect(server.requests).toHaveLength(4);
    await client.close();
  });

  it('probes: 200 true, 4xx and 503 false without retry, 404 model NotFoundError, 500 throws', async () => {
    const client = createOvms({ baseURL: server.origin, retry: { initialDelayMs: 0 } });
    server.reply(
      { status: 200, body: '' },
      { status: 503, json: { error: 'Server is not ready' } },
      { status: 200, body: '' },
      { status: 400, body: '' },
      { status: 404, json: { error: 'Model with requested name is not found' } },
      { status: 500, json: { error: 'Internal server error' } },
    );
    expect(await client.serverLive()).toBe(true);
    expect(await client.serverReady()).toBe(false);
    expect(await client.modelReady({ model: 'resnet', version: 1 })).toBe(true);
    expect(await client.modelReady()).toBe(false);
    await expect(client.modelReady({ model: 'nope' })).rejects.toMatchObject({ name: 'NotFoundError' });
    await expect(client.serverLive()).rejects.toMatchObject({ name: 'ServerError' });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/resnet/versions/1/ready',
      '/v2/models/model/ready',
      '/v2/models/nope/ready',
      '/v2/health/live',
    ]);
    await client.close();
  });

  it('reads server and model metadata', async () => {
    const client = createOvms({ baseURL: server.origin, model: 'resnet', version: 1 });
    server.reply(
      { status: 200, json: { name: 'OpenVINO Model Server', version: '2025.3', extensions: [] } },
      {
        status: 200,
        json: {
          name: 'resnet',
          versions: ['1'],
          platform: 'OpenVINO',
          inputs: [{ name: 'in', datatype: 'FP32', shape: [-1, 224, 224, 3] }],
          outputs: [{ name: 'out', datatype: 'FP32', shape: [-1, 1000] }],
          rt_info: { model_info: {} },
        },
      },
    );
    expect(await client.serverMetadata()).toEqual({
      name: 'OpenVINO Model Server',
      version: '2025.3',
      extensions: [],
    });
    const metadata = await client.modelMetadata();
    expect(server.requests[1]?.url).toBe('/v2/models/resnet/versions/1');
    expect(metadata).toMatchObject({ name: 'resnet', platform: 'OpenVINO', rtInfo: { model_info: {} } });
    expect(metadata.inputs[0]?.shape).toEqual([-1, 224, 224, 3]);
    await client.close();
  });
});
