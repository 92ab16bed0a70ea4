import { type ScriptedServer, startScriptedServer } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OvmsClient } from './ovms-api.js';
import { createOvms } from './ovms-client.js';

let server: ScriptedServer;
let client: OvmsClient;

beforeEach(async () => {
  for (const name of ['OVMS_API_URL', 'OVMS_MODEL', 'OVMS_VERSION', 'OVMS_API_KEY']) vi.stubEnv(name, '');
  server = await startScriptedServer();
  client = createOvms({ baseURL: server.origin, model: 'dummy', retry: { maxRetries: 0 } });
});

afterEach(async () => {
  await client.close();
  await server.close();
  vi.unstubAllEnvs();
});

describe('TensorFlow Serving /v1', () => {
  it('predicts in the row format (the seed call) and the column format', async () => {
    server.reply({ json: { predictions: [[2, 3, 4, 5]] } }, { json: { outputs: { a: [[2]] } } });
    const rows = await client.predict({ instances: [{ data: [1, 2, 3, 4] }] });
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/v1/models/dummy:predict' });
    expect(server.requests[0]?.json).toEqual({ instances: [{ data: [1, 2, 3, 4] }] });
    expect(rows.predictions).toEqual([[2, 3, 4, 5]]);
    const columns = await client.predict({
      model: 'm',
      version: 2,
      signatureName: 's',
      inputs: { b: [[1]] },
    });
    expect(server.requests[1]?.url).toBe('/v1/models/m/versions/2:predict');
    expect(server.requests[1]?.json).toEqual({ signature_name: 's', inputs: { b: [[1]] } });
    expect(columns.outputs).toEqual({ a: [[2]] });
  });

  it('refuses a predict without exactly one of instances or inputs, before sending', async () => {
    await expect(client.predict({})).rejects.toThrow(/exactly one/);
    await expect(client.predict({ instances: [1], inputs: [1] })).rejects.toThrow(/exactly one/);
    await expect(client.predict({ instances: [] })).rejects.toThrow(/non-empty/);
    await expect(client.predict({ inputs: {} })).rejects.toThrow(/non-empty/);
    await expect(client.predict({ instances: [1], version: 1, label: 'stable' })).rejects.toThrow(/not both/);
    expect(server.requests).toHaveLength(0);
  });

  it('reads model status and TF metadata, by version and by label', async () => {
    server.reply(
      {
        json: {
          model_version_status: [
            { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
          ],
        },
      },
      {
        json: {
          modelSpec: { name: 'dummy', signatureName: '', version: '1' },
          metadata: {
            signature_def: {
              '@type': 'type.googleapis.com/tensorflow.serving.SignatureDefMap',
              signatureDef: {
                serving_default: {
                  inputs: {
                    b: {
                      dtype: 'DT_FLOAT',
                      tensorShape: { dim: [{ size: '1' }, { size: '10' }] },
                      name: 'b',
                    },
                  },
                  outputs: {
                    a: {
                      dtype: 'DT_FLOAT',
                      tensorShape: { dim: [{ size: '1' }, { size: '10' }] },
                      name: 'a',
                    },
                  },
                  methodName: 'tensorflow/serving/predict',
                },
              },
            },
          },
        },
      },
      { status: 404, json: { error: 'Model with requested version is not found' } },
    );
    expect(await client.modelStatus()).toEqual([
      { version: '1', state: 'AVAILABLE', errorCode: 'OK', errorMessage: '' },
    ]);
    const metadata = await client.tfsModelMetadata({ label: 'stable' });
    expect(server.requests[1]?.url).toBe('/v1/models/dummy/labels/stable/metadata');
    expect(metadata).toEqual({
      name: 'dummy',
      version: '1',
      signatures: {
        serving_default: {
          methodName: 'tensorflow/serving/predict',
          inputs: [{ key: 'b', name: 'b', dtype: 'DT_FLOAT', shape: [1, 10] }],
          outputs: [{ key: 'a', name: 'a', dtype: 'DT_FLOAT', shape: [1, 10] }],
        },
      },
    });
    await expect(client.modelStatus({ version: 9 })).rejects.toMatchObject({
      name: 'NotFoundError',
      providerCode: 'version_not_found',
    });
    expect(server.requests[2]?.url).toBe('/v1/models/dummy/versions/9');
  });
});
