import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitWindow } from '../../gateway/pipeline/commitWindow.ts';

describe('group commit window (injected clock)', () => {
  const cases = [
    { name: 'the first transaction starts at once', started: [], at: 0, want: 0 },
    { name: 'right after a transaction: wait the whole window', started: [100], at: 100, want: 2 },
    { name: 'within the window: wait what is left of it', started: [100], at: 101.5, want: 0.5 },
    { name: 'after a quiet spell: at once', started: [100], at: 250, want: 0 },
    { name: 'the window runs from the last transaction', started: [100, 103], at: 104, want: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      let now = 0;
      const w = new CommitWindow(2, () => now);
      for (const t of c.started) {
        now = t;
        w.started();
      }
      now = c.at;
      assert.equal(w.delay(), c.want);
    });
  }

  it('a window of 0 never waits', () => {
    const w = new CommitWindow(0, () => 5);
    w.started();
    assert.equal(w.delay(), 0);
  });
});
