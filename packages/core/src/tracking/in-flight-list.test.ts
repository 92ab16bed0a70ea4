import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InFlightList, LiveRecord } from './in-flight-list.js';
import type { RequestRecord } from './request-tracker.js';

const make = (id: string) => new LiveRecord(id, 'p', 'chat', 'normal', 1, false) as unknown as RequestRecord;

describe('InFlightList', () => {
  it('keeps records in insertion order and removes any of them in place', () => {
    const list = new InFlightList();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(make) as [
      RequestRecord,
      RequestRecord,
      RequestRecord,
      RequestRecord,
    ];
    for (const r of [a, b, c, d]) list.add(r);
    expect(list.size).toBe(4);
    expect(list.delete(b)).toBe(true);
    expect(list.delete(a)).toBe(true);
    expect(list.delete(d)).toBe(true);
    expect([...list].map((r) => r.id)).toEqual(['c']);
    list.add(a);
    expect([...list].map((r) => r.id)).toEqual(['c', 'a']);
    expect(list.size).toBe(2);
  });

  it('answers for records of other lists and for plain objects without failing', () => {
    const one = new InFlightList();
    const two = new InFlightList();
    const record = make('x');
    one.add(record);
    expect(one.has(record)).toBe(true);
    expect(two.has(record)).toBe(false);
    expect(two.delete(record)).toBe(false);
    const plain = { id: 'y' } as unknown as RequestRecord;
    expect(one.has(plain)).toBe(false);
    expect(one.delete(plain)).toBe(false);
    expect(one.delete(record)).toBe(true);
    expect(one.delete(record)).toBe(false);
    expect(one.size).toBe(0);
  });

  it('gives records the own properties, key order and printed name of the plain record they replace', () => {
    const record = make('req_1');
    expect(Object.keys(record)).toEqual([
      'id',
      'provider',
      'operation',
      'priority',
      'enqueuedAt',
      'attempts',
      'streamed',
    ]);
    expect({ ...record }).toEqual({
      id: 'req_1',
      provider: 'p',
      operation: 'chat',
      priority: 'normal',
      enqueuedAt: 1,
      attempts: [],
      streamed: false,
    });
    expect(inspect(record)).toMatch(/^RequestRecord \{/);
    expect(JSON.stringify(record)).not.toContain('#');
  });
});
