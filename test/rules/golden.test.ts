import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { goldenWeek } from './helpers/goldenWeek.ts';

const FILE = new URL('../golden/week-500.json', import.meta.url);

describe('golden: simulated week of a 500-student campus', () => {
  it('regenerates to the stored file (UPDATE_GOLDEN=1 rewrites it)', () => {
    const { golden } = goldenWeek();
    const text = `${JSON.stringify(golden, null, 1)}\n`;
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(FILE)) {
      writeFileSync(FILE, text);
      if (process.env.UPDATE_GOLDEN !== '1')
        assert.fail('golden file was missing and has been written; review and commit it');
      return;
    }
    const stored = JSON.parse(readFileSync(FILE, 'utf8')) as typeof golden;
    assert.deepEqual(golden.statusCounts, stored.statusCounts);
    assert.deepEqual(golden.flagCounts, stored.flagCounts);
    assert.deepEqual(golden.records, stored.records);
    assert.equal(golden.invalidAttempts, stored.invalidAttempts);
    assert.equal(golden.fingerprint, stored.fingerprint, 'explanations changed');
  });

  it('the week covers every status the engine has', () => {
    const { golden } = goldenWeek();
    for (const s of [
      'present',
      'late',
      'absent',
      'early_exit',
      'partial',
      'unauthorized',
      'review',
      'pending',
    ]) {
      assert.ok((golden.statusCounts[s] ?? 0) > 0, `no ${s} in the simulated week`);
    }
  });
});
