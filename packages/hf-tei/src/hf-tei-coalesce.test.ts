import { FakeClock } from '@ipfs-accelerate/core';
import { waitFor } from '@ipfs-accelerate/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHfTei, type HfTeiClient } from './hf-tei-client.js';
import { type FakeTei, startFakeTei, vectorOf } from './test/fake-tei.js';

let tei: FakeTei;
let clock: FakeClock;
let client: HfTeiClient;
const embeds = () => tei.requests.filter((r) => r.path === '/embed');

beforeEach(async () => {
  for (const name of ['HF_TEI_BASE_URL', 'TEI_BASE_URL', 'HF_API_TOKEN', 'HF_API_KEY']) vi.stubEnv(name, '');
  tei = await startFakeTei();
  clock = new FakeClock();
  client = createHfTei({
    baseURL: tei.baseURL,
    clock,
    maxClientBatchSize: 32,
    batching: { maxSize: 3, maxWaitMs: 20 },
  });
});

afterEach(async () => {
  await client.close();
  await tei.close();
  vi.unstubAllEnvs();
});

describe('opt-in coalescing of small embed calls', () => {
  it('merges calls made within maxWaitMs into one request and hands each its own vectors', async () => {
    const a = client.embed({ inputs: 'first' });
    const b = client.embed({ inputs: ['second', 'third'] });
    expect(embeds()).toHaveLength(0);
    await clock.advance(20);
    expect(await a).toEqual([vectorOf('first')]);
    expect(await b).toEqual([vectorOf('second'), vectorOf('third')]);
    expect(embeds()).toHaveLength(1);
    expect(embeds()[0]?.json).toEqual({ inputs: ['first', 'second', 'third'] });
  });

  it('a lone call waits no longer than maxWaitMs', async () => {
    const lone = client.embed({ inputs: 'alone' });
    await clock.advance(19);
    expect(embeds()).toHaveLength(0);
    await clock.advance(1);
    expect(await lone).toEqual([vectorOf('alone')]);
  });

  it('a full batch leaves at once, without waiting for the clock', async () => {
    const calls = ['x', 'y', 'z'].map((inputs) => client.embed({ inputs }));
    await waitFor(() => embeds().length === 1, 'the full batch sent');
    expect(await Promise.all(calls)).toEqual([[vectorOf('x')], [vectorOf('y')], [vectorOf('z')]]);
  });

  it('keeps calls with different options or priorities apart, and sends per-call-id calls directly', async () => {
    const plain = client.embed({ inputs: 'a' });
    const raw = client.embed({ inputs: 'b', normalize: false });
    const urgent = client.embed({ inputs: 'c' }, { priority: 'high' });
    const own = client.embed({ inputs: 'd' }, { requestId: 'mine' });
    await waitFor(() => embeds().length === 1, 'the direct call sent');
    expect(embeds()[0]?.json).toEqual({ inputs: ['d'] });
    await clock.advance(20);
    await Promise.all([plain, raw, urgent, own]);
    expect(embeds().map((r) => r.json)).toEqual(
      expect.arrayContaining([{ inputs: ['a'] }, { inputs: ['b'], normalize: false }, { inputs: ['c'] }]),
    );
    expect(embeds()).toHaveLength(4);
  });

  it('an aborted call leaves its batch before it is sent', async () => {
    const controller = new AbortController();
    const gone = client.embed({ inputs: 'gone' }, { signal: controller.signal });
    const kept = client.embed({ inputs: 'kept' });
    controller.abort();
    await expect(gone).rejects.toMatchObject({ code: 'aborted' });
    await clock.advance(20);
    expect(await kept).toEqual([vectorOf('kept')]);
    expect(embeds()[0]?.json).toEqual({ inputs: ['kept'] });
  });

  it('close sends what is pending', async () => {
    const pending = client.embed({ inputs: 'late' });
    await client.close();
    expect(await pending).toEqual([vectorOf('late')]);
  });
});

describe('destroy with coalesced calls pending', () => {
  it('fails them at once instead of leaving them on a timer', async () => {
    const pending = client.embed({ inputs: 'doomed' });
    await client.destroy();
    // Sent by the destroy, then cut off with the transport: a typed error, never a hang.
    const error = (await pending.catch((e: unknown) => e)) as { code?: string };
    expect(['aborted', 'connection_failed']).toContain(error.code);
    expect(clock.pendingTimers).toBe(0);
  });
});
