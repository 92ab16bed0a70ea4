import { describe, expect, it } from 'vitest';
import { buildLlvmExecuteBody, parseLlvmExecuteResponse, parseLlvmOptimizeResponse } from './llvm-code.js';
import { buildLlvmParameters, parseLlvmInferResponse } from './llvm-infer.js';
import { parseLlvmModelList, parseLlvmStatistics } from './llvm-models.js';

describe('tolerant readers of the seed shapes', () => {
  it('reads {models: names}, {data: [...]} and the fixture name field', () => {
    expect(parseLlvmModelList({ models: ['model1', 'model2'] })).toEqual([
      { id: 'model1' },
      { id: 'model2' },
    ]);
    expect(parseLlvmModelList({ data: [{ name: 'resnet50', type: 'vision', batch_support: true }] })).toEqual(
      [{ id: 'resnet50', type: 'vision', batchSupport: true }],
    );
    expect(() => parseLlvmModelList({ items: [] })).toThrow(/no models array/);
    expect(() => parseLlvmModelList({ models: [{ status: 'loaded' }] })).toThrow(/no model_id/);
  });

  it('keeps null outputs (a value), and falls back to the path model id', () => {
    expect(parseLlvmInferResponse({ outputs: null }, 'm')).toEqual({ modelId: 'm', outputs: null });
  });

  it('reads execute results: result, else the seed outputs; seconds to ms', () => {
    expect(parseLlvmExecuteResponse({ outputs: 7, output: '', errors: ['w'], execution_time: 0.5 })).toEqual({
      output: '',
      errors: ['w'],
      result: 7,
      executionTimeMs: 500,
    });
    expect(() => parseLlvmExecuteResponse({ output: '', execution_time: 1 })).toThrow(/errors/);
    expect(() => parseLlvmOptimizeResponse({ optimized_code: 'x', errors: [] })).toThrow(
      /optimization_passes/,
    );
  });

  it('reads statistics with dates', () => {
    const stats = parseLlvmStatistics(
      {
        requests: 1,
        inferences: 2,
        batches: 0,
        errors: 0,
        last_used_at: '2025-01-01T00:00:01Z',
        loaded_at: 'bad',
      },
      'm',
    );
    expect(stats).toEqual({
      modelId: 'm',
      requests: 1,
      inferences: 2,
      batches: 0,
      errors: 0,
      lastUsedAt: new Date('2025-01-01T00:00:01Z'),
    });
    expect(() => parseLlvmStatistics({ requests: 1 }, 'm')).toThrow(/inferences/);
  });
});

describe('wire builders', () => {
  it('named parameters win over providerOptions; none -> no parameters', () => {
    expect(buildLlvmParameters({ temperature: 0, providerOptions: { temperature: 1, beam: 2 } })).toEqual({
      temperature: 0,
      beam: 2,
    });
    expect(buildLlvmParameters({})).toBeUndefined();
    expect(() => buildLlvmParameters({ stop: [1] })).toThrow(/stop/);
  });

  it('execute sends the code as input and the timeout in seconds', () => {
    expect(buildLlvmExecuteBody({ code: 'x' })).toEqual({ input: 'x' });
    expect(buildLlvmExecuteBody({ code: 'x', timeoutMs: 250, optimizationLevel: 'O2' })).toEqual({
      input: 'x',
      parameters: { optimization_level: 'O2', timeout: 0.25 },
    });
  });
});
