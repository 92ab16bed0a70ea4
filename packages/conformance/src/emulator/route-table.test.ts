import { describe, expect, it } from 'vitest';
import { ANY_ROUTE, FaultScript } from './fault-script.js';
import { RouteTable } from './route-table.js';
import type { RouteHandler } from './types.js';

const handler =
  (name: string): RouteHandler =>
  () => ({ kind: 'json', status: 200, body: name });

describe('RouteTable', () => {
  const table = new RouteTable({
    'GET /v1/models': handler('list'),
    'GET /v1/models/:model': handler('one'),
    'delete /v1/models/:model': handler('delete'),
    'POST /v1/things/:a/parts/:b': handler('part'),
  });

  it('matches literal routes by method and path', () => {
    expect(table.match('GET', '/v1/models')?.params).toEqual({});
    expect(table.match('POST', '/v1/models')).toBeUndefined();
    expect(table.match('GET', '/v1/models/')).toBeUndefined();
  });

  it('extracts percent-decoded parameters and upper-cases declared methods', () => {
    expect(table.match('GET', '/v1/models/meta-llama%2Fllama-3')?.params).toEqual({
      model: 'meta-llama/llama-3',
    });
    expect(table.match('DELETE', '/v1/models/x')?.params).toEqual({ model: 'x' });
    expect(table.match('POST', '/v1/things/1/parts/2')?.params).toEqual({ a: '1', b: '2' });
    expect(table.match('POST', '/v1/things/1/pieces/2')).toBeUndefined();
    expect(table.match('GET', '/v1/models/a/b')).toBeUndefined();
    expect(table.match('GET', '/v1/models/%E0%A4%A')).toBeUndefined();
  });

  it('rejects malformed route keys', () => {
    expect(() => new RouteTable({ '/v1/models': handler('x') })).toThrow(TypeError);
    expect(() => new RouteTable({ 'GET v1': handler('x') })).toThrow(TypeError);
  });
});

describe('FaultScript', () => {
  it('consumes a route queue in order, then the wildcard queue, then nothing', () => {
    const script = new FaultScript();
    script.add('GET /a', [{ kind: 'hang' }, { kind: 'hold' }]);
    script.add(ANY_ROUTE, [{ kind: 'malformed' }]);
    script.add('GET /a', [{ kind: 'delay', ms: 1 }]);
    expect(script.take('GET /a')?.kind).toBe('hang');
    expect(script.take('GET /b')?.kind).toBe('malformed');
    expect(script.take('GET /a')?.kind).toBe('hold');
    expect(script.take('GET /a')?.kind).toBe('delay');
    expect(script.take('GET /a')).toBeUndefined();
    expect(script.take('GET /b')).toBeUndefined();
  });

  it('clears every queue', () => {
    const script = new FaultScript();
    script.add('GET /a', [{ kind: 'hang' }]);
    script.add(ANY_ROUTE, [{ kind: 'hang' }]);
    script.clear();
    expect(script.take('GET /a')).toBeUndefined();
  });
});
