import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utcDay } from '../../gateway/clock.ts';

describe('utcDay', () => {
  it('names the UTC day of an instant, across day boundaries in any order', () => {
    const midnight = Date.parse('2026-03-20T00:00:00Z');
    const cases: [number, string][] = [
      [midnight - 1, '2026-03-19'],
      [midnight, '2026-03-20'],
      [midnight - 1, '2026-03-19'], // back to the day asked for before
      [midnight + 86_400_000 - 1, '2026-03-20'],
      [midnight + 86_400_000, '2026-03-21'],
      [midnight + 0.5, '2026-03-20'],
      [Date.parse('1969-12-31T23:59:59.999Z'), '1969-12-31'],
      [0, '1970-01-01'],
    ];
    for (const [ts, day] of cases) assert.equal(utcDay(ts), day, String(ts));
  });

  it('throws for an instant that is not a date', () => {
    assert.throws(() => utcDay(Number.NaN), RangeError);
  });
});
