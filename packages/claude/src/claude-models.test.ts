import { FakeClock, type RequestOptions } from '@ipfs-accelerate/core';
import { describe, expect, it } from 'vitest';
import type { ClaudeOptions } from './claude-client.js';
import {
  type ClaudeModelPage,
  type ClaudeModelPageParams,
  listAllModels,
  modelPageQuery,
  parseClaudeModel,
  parseClaudeModelPage,
} from './claude-models.js';
import { useClaudeHarness } from './test/claude-harness.js';

// The model catalogue through the whole pipeline, against a scripted server.
const harness = useClaudeHarness();
const client = (options?: ClaudeOptions) => harness.client(options);

describe('models', () => {
  const model = (id: string) => ({
    type: 'model',
    id,
    display_name: id.toUpperCase(),
    created_at: '2025-02-19T00:00:00Z',
  });

  it('listModels follows after_id while has_more, one pipeline call per page', async () => {
    const c = client();
    harness.server.reply(
      { json: { data: [model('a'), model('b')], has_more: true, first_id: 'a', last_id: 'b' } },
      { json: { data: [model('c')], has_more: true, first_id: 'c', last_id: 'c' } },
      { json: { data: [model('d')], has_more: false, first_id: 'd', last_id: 'd' } },
    );
    const models = await c.listModels({ requestId: 'req_list' });
    expect(models.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(models[0]).toEqual({
      id: 'a',
      ownedBy: 'anthropic',
      displayName: 'A',
      createdAt: new Date('2025-02-19T00:00:00Z'),
    });
    expect(harness.server.requests.map((r) => r.url)).toEqual([
      '/v1/models',
      '/v1/models?after_id=b',
      '/v1/models?after_id=c',
    ]);
    expect(c.recentRequests(3).map((r) => [r.id, r.operation])).toEqual([
      ['req_list_page3', 'list-models'],
      ['req_list_page2', 'list-models'],
      ['req_list', 'list-models'],
    ]);
  });

  it('a cursor that does not move is a ResponseFormatError, not an endless loop', async () => {
    const c = client();
    harness.server.reply(
      { json: { data: [model('a')], has_more: true, first_id: 'a', last_id: 'a' } },
      { json: { data: [model('a')], has_more: true, first_id: 'a', last_id: 'a' } },
    );
    await expect(c.listModels()).rejects.toMatchObject({ code: 'invalid_response' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('listModelsPage passes limit and cursors; getModel reads one model', async () => {
    const c = client();
    harness.server.reply(
      { json: { data: [model('x')], has_more: true, first_id: 'x', last_id: 'x' } },
      { json: model('claude-y') },
      { status: 404, json: { type: 'error', error: { type: 'not_found_error', message: 'model: nope' } } },
    );
    const page = await c.listModelsPage({ limit: 1, beforeId: 'z' });
    expect(page).toMatchObject({ hasMore: true, firstId: 'x', lastId: 'x' });
    expect(harness.server.requests[0]?.url).toBe('/v1/models?limit=1&before_id=z');
    expect((await c.getModel('claude-y')).displayName).toBe('CLAUDE-Y');
    await expect(c.getModel('nope')).rejects.toMatchObject({ code: 'not_found' });
    await expect(c.listModelsPage({ afterId: 'a', beforeId: 'b' })).rejects.toThrow(/cannot be combined/);
  });
});

describe('listAllModels', () => {
  const page = (ids: string[], hasMore: boolean): ClaudeModelPage => ({
    models: ids.map((id) => ({ id, ownedBy: 'anthropic' })),
    hasMore,
    firstId: ids[0],
    lastId: ids.at(-1),
  });

  it('gives each later page what is left of the deadline and its own request id', async () => {
    const clock = new FakeClock(0);
    const seen: Array<[ClaudeModelPageParams | undefined, RequestOptions | undefined]> = [];
    const pages = [page(['a'], true), page(['b'], true), page(['c'], false)];
    const models = await listAllModels(
      async (params, options) => {
        seen.push([params, options]);
        clock.advanceSync(300);
        return pages.shift()!;
      },
      { deadlineMs: 1000, requestId: 'req_mine', priority: 'low' },
      clock,
    );
    expect(models.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(seen).toEqual([
      [undefined, { deadlineMs: 1000, requestId: 'req_mine', priority: 'low' }],
      [{ afterId: 'a' }, { deadlineMs: 700, requestId: 'req_mine_page2', priority: 'low' }],
      [{ afterId: 'b' }, { deadlineMs: 400, requestId: 'req_mine_page3', priority: 'low' }],
    ]);
  });

  it('a deadline spent between pages is a DeadlineExceededError before the next call', async () => {
    const clock = new FakeClock(0);
    let calls = 0;
    const fetchPage = async () => {
      calls++;
      clock.advanceSync(600);
      return page([`m${calls}`], true);
    };
    await expect(listAllModels(fetchPage, { deadlineMs: 1000 }, clock)).rejects.toMatchObject({
      code: 'deadline_exceeded',
    });
    expect(calls).toBe(2);
  });
});

describe('modelPageQuery and parseClaudeModel', () => {
  it('maps parameters to the query and refuses bad ones', () => {
    expect(modelPageQuery(undefined)).toEqual({});
    expect(modelPageQuery({ limit: 5, afterId: 'x' })).toEqual({ limit: 5, after_id: 'x' });
    expect(() => modelPageQuery({ limit: 1001 })).toThrow(/limit must be an integer >= 1 and <= 1000/);
    expect(() => modelPageQuery({ beforeId: '' })).toThrow(/beforeId/);
    expect(() => modelPageQuery('x' as unknown as ClaudeModelPageParams)).toThrow(/must be an object/);
  });

  it('keeps what the service says and skips a bad date', () => {
    expect(
      parseClaudeModel({ id: 'm', created_at: 'not a date', max_input_tokens: 200000, max_tokens: 64000 }),
    ).toEqual({ id: 'm', ownedBy: 'anthropic', maxInputTokens: 200000, maxOutputTokens: 64000 });
    expect(() => parseClaudeModel({ display_name: 'x' })).toThrow(/without an id/);
    expect(() => parseClaudeModelPage({ models: [] })).toThrow(/no data array/);
  });
});
