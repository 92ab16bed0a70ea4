import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it, vi } from 'vitest';
import { DIAGNOSTIC_CHANNELS, hasSubscribers, publish } from './diagnostics.js';

describe('DIAGNOSTIC_CHANNELS', () => {
  it('names every channel ipfs-accelerate:<area>:<event>, once', () => {
    expect(DIAGNOSTIC_CHANNELS).toEqual({
      requestStart: 'ipfs-accelerate:request:start',
      requestAttempt: 'ipfs-accelerate:request:attempt',
      requestEnd: 'ipfs-accelerate:request:end',
      breakerState: 'ipfs-accelerate:breaker:state',
      queueReject: 'ipfs-accelerate:queue:reject',
    });
    const names = Object.values(DIAGNOSTIC_CHANNELS);
    for (const name of names) expect(name).toMatch(/^ipfs-accelerate:[a-z]+:[a-z]+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('publish', () => {
  it('does nothing, and does not build the message, without subscribers', () => {
    const build = vi.fn(() => ({ built: true }));
    expect(hasSubscribers(DIAGNOSTIC_CHANNELS.queueReject)).toBe(false);
    publish(DIAGNOSTIC_CHANNELS.queueReject, build);
    expect(build).not.toHaveBeenCalled();
  });

  it('delivers objects and built messages to subscribers, until they unsubscribe', () => {
    const name = DIAGNOSTIC_CHANNELS.breakerState;
    const received: unknown[] = [];
    const handler = (message: unknown, channel: string | symbol) => received.push([channel, message]);
    diagnosticsChannel.subscribe(name, handler);
    try {
      expect(hasSubscribers(name)).toBe(true);
      const message = { from: 'closed', to: 'open' };
      publish(name, message);
      const build = vi.fn(() => ({ from: 'open', to: 'half-open' }));
      publish(name, build);
      expect(build).toHaveBeenCalledTimes(1);
      expect(received).toEqual([
        [name, message],
        [name, { from: 'open', to: 'half-open' }],
      ]);
      expect((received[0] as unknown[])[1]).toBe(message);
    } finally {
      diagnosticsChannel.unsubscribe(name, handler);
    }
    publish(name, { late: true });
    expect(received).toHaveLength(2);
    expect(hasSubscribers(name)).toBe(false);
  });
});
