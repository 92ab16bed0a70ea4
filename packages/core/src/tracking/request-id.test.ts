import { describe, expect, it } from 'vitest';
import { generateRequestId, REQUEST_ID_PATTERN, REQUEST_ID_PREFIX } from './request-id.js';

describe('generateRequestId', () => {
  it('returns req_ followed by 24 lowercase hex characters', () => {
    for (let i = 0; i < 1000; i++) {
      const id = generateRequestId();
      expect(id).toMatch(/^req_[0-9a-f]{24}$/);
      expect(id).toMatch(REQUEST_ID_PATTERN);
      expect(id.startsWith(REQUEST_ID_PREFIX)).toBe(true);
    }
  });

  it('never repeats over 100k ids (across many pool refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(generateRequestId());
    expect(seen.size).toBe(100_000);
  });

  it('uses every hex digit at about the expected rate (not a counter or a constant)', () => {
    const counts = new Map<string, number>();
    const ids = 10_000;
    for (let i = 0; i < ids; i++) {
      for (const ch of generateRequestId().slice(4)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(16);
    const expected = (ids * 24) / 16;
    for (const count of counts.values()) {
      // 15,000 expected per digit; 5% is ~40 standard deviations, so this cannot flake.
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.05);
    }
  });
});
