import { InvalidRequestError } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import { normalizeOpeaBaseURL, OPEA_DEFAULT_PORTS, opeaServiceURL } from './opea-base-url.js';

describe('OPEA base URLs', () => {
  it('knows the default ports of each service', () => {
    expect(OPEA_DEFAULT_PORTS).toEqual({
      chatqna: 8888,
      embedding: 6000,
      retrieval: 7000,
      reranking: 8000,
      llm: 9000,
    });
    expect(opeaServiceURL('chatqna')).toBe('http://localhost:8888');
    expect(opeaServiceURL('embedding', '10.0.0.5')).toBe('http://10.0.0.5:6000');
    expect(opeaServiceURL('llm', '::1')).toBe('http://[::1]:9000');
    expect(opeaServiceURL('reranking', 'opea.example', 'https')).toBe('https://opea.example:8000');
    expect(() => opeaServiceURL('nope' as never)).toThrow(InvalidRequestError);
    expect(() => opeaServiceURL('llm', 'host/path')).toThrow(InvalidRequestError);
  });

  it('drops trailing slashes and one /v1', () => {
    expect(normalizeOpeaBaseURL('http://localhost:8000/v1')).toBe('http://localhost:8000');
    expect(normalizeOpeaBaseURL('http://h:8888/')).toBe('http://h:8888');
    expect(normalizeOpeaBaseURL('http://h/gateway/v1/')).toBe('http://h/gateway');
    expect(normalizeOpeaBaseURL('http://h/v1x')).toBe('http://h/v1x');
    expect(() => normalizeOpeaBaseURL('')).toThrow(InvalidRequestError);
    expect(() => normalizeOpeaBaseURL('localhost:8888')).toThrow(InvalidRequestError);
  });
});
