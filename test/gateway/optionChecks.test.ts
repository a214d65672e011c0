import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { choiceOption, dayOption, numberOption, percentOption } from '../../gateway/cli/optionChecks.ts';
import { HallgateError } from '../../kernel/errors.ts';

const usage = (message: RegExp) => (e: unknown) =>
  e instanceof HallgateError && e.code === 'USAGE' && message.test(e.message);

describe('CLI option checks', () => {
  for (const day of ['2026-02-28', '2024-02-29', '2026-12-31']) {
    it(`${day} is a day`, () => assert.equal(dayOption('--date', day), day));
  }
  for (const day of ['2026-02-31', '2026-99-99', '2025-02-29', '2026-1-5', 'today', '']) {
    it(`'${day}' is not a day`, () =>
      assert.throws(() => dayOption('--date', day), usage(/--date must be a date YYYY-MM-DD, got/)));
  }
  it('an absent day stays absent', () => assert.equal(dayOption('--date', undefined), undefined));

  it('choices', () => {
    assert.equal(choiceOption('--status', 'late', ['present', 'late']), 'late');
    assert.throws(
      () => choiceOption('--status', 'maybe', ['present', 'late']),
      usage(/one of present, late, got 'maybe'/),
    );
  });

  const numbers: [string, { min: number; max: number; integer?: boolean }, number | RegExp][] = [
    ['5', { min: 1, max: 10, integer: true }, 5],
    ['0', { min: 1, max: 10, integer: true }, /an integer in \[1, 10\], got '0'/],
    ['2.5', { min: 1, max: 10, integer: true }, /an integer/],
    ['2.5', { min: 1, max: 10 }, 2.5],
    [' ', { min: 0, max: 10 }, /a number in \[0, 10\]/],
    ['1e400', { min: 0, max: 10 }, /a number/],
    ['abc', { min: 0, max: 10 }, /got 'abc'/],
  ];
  for (const [value, range, want] of numbers) {
    it(`'${value}' in ${JSON.stringify(range)}`, () => {
      if (typeof want === 'number') assert.equal(numberOption('--n', value, range), want);
      else assert.throws(() => numberOption('--n', value, range), usage(want));
    });
  }

  it('percentages are 0-100 and come back as fractions', () => {
    assert.equal(percentOption('--late-pct', '15'), 0.15);
    assert.equal(percentOption('--late-pct', '100'), 1);
    assert.throws(() => percentOption('--late-pct', '150'), usage(/\[0, 100\], got '150'/));
    assert.throws(() => percentOption('--late-pct', '-1'), usage(/got '-1'/));
  });
});
