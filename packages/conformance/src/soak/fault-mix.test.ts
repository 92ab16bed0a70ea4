import { describe, expect, it } from 'vitest';
import type { EmulatorRequest } from '../emulator/types.js';
import { FaultMix, SOAK_FAULT_KINDS } from './fault-mix.js';
import { createRandom } from './random.js';

const request = (stream: boolean) => ({ stream }) as unknown as EmulatorRequest;
const isStream = (r: EmulatorRequest) => (r as unknown as { stream: boolean }).stream;

describe('FaultMix', () => {
  it('injects nothing at rate 0 and something for every request at rate 1', () => {
    const none = new FaultMix(createRandom(1), { rate: 0, isStream });
    const all = new FaultMix(createRandom(1), { rate: 1, isStream });
    for (let i = 0; i < 500; i++) {
      expect(none.pick(request(true))).toBeUndefined();
      expect(all.pick(request(true))).toBeDefined();
    }
    expect(none.injected).toBe(0);
    expect(all.injected).toBe(500);
    expect(all.seen).toBe(500);
  });

  it('draws every kind over a long run, in roughly the share of its weight', () => {
    const mix = new FaultMix(createRandom(3), { rate: 1, isStream });
    for (let i = 0; i < 20_000; i++) mix.pick(request(true));
    for (const kind of SOAK_FAULT_KINDS) expect(mix.counts[kind], kind).toBeGreaterThan(0);
    expect(mix.counts['429-hint']).toBeGreaterThan(mix.counts.hang * 2);
  });

  it('never gives a request/response call a stream-only fault', () => {
    const mix = new FaultMix(createRandom(4), { rate: 1, isStream, weights: { 'stream-error': 100 } });
    for (let i = 0; i < 2_000; i++) expect(mix.pick(request(false))?.kind).not.toBe('stream-error');
  });

  it('answers the requests after a burst start with the same 5xx', () => {
    const mix = new FaultMix(createRandom(5), {
      rate: 1,
      isStream,
      maxBurst: 4,
      weights: Object.fromEntries(SOAK_FAULT_KINDS.map((k) => [k, k === '5xx-burst' ? 1 : 0])),
    });
    const first = mix.pick(request(false));
    expect(first).toMatchObject({ kind: 'error' });
    const status = (first as { status: number }).status;
    expect([500, 502, 503, 504]).toContain(status);
    expect(mix.pick(request(false))).toEqual({ kind: 'error', status });
    expect(mix.pick(request(false))).toEqual({ kind: 'error', status });
    expect(mix.counts['5xx-burst']).toBe(3);
  });

  it('keeps retry-after-ms hints within maxHintMs', () => {
    const weights = Object.fromEntries(SOAK_FAULT_KINDS.map((k) => [k, k === '429-hint' ? 1 : 0]));
    const mix = new FaultMix(createRandom(6), { rate: 1, isStream, weights, maxHintMs: 7 });
    for (let i = 0; i < 500; i++) {
      const fault = mix.pick(request(false)) as { headers: Record<string, string> };
      const hint = Number(fault.headers['retry-after-ms']);
      expect(hint).toBeGreaterThanOrEqual(1);
      expect(hint).toBeLessThanOrEqual(7);
    }
  });

  it('refuses a rate outside 0..1', () => {
    expect(() => new FaultMix(createRandom(1), { rate: 1.5, isStream })).toThrow(RangeError);
  });
});
