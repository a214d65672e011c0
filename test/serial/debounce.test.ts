import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { SwipeDebouncer } from '../../gateway/serial/debounce.ts';
import { backoffDelay, jittered } from '../../kernel/reconnectBackoff.ts';

/** A read at `at` ms of card `uid` on reader `reader` (default r1). */
interface Read {
  at: number;
  uid: string;
  reader?: string;
}

const cases: { name: string; windowMs: number; reads: Read[]; want: boolean[] }[] = [
  {
    name: 'same card twice within the window is one swipe',
    windowMs: 2000,
    reads: [
      { at: 0, uid: 'A' },
      { at: 1999, uid: 'A' },
    ],
    want: [true, false],
  },
  {
    name: 'same card after the window is two swipes',
    windowMs: 2000,
    reads: [
      { at: 0, uid: 'A' },
      { at: 2000, uid: 'A' },
    ],
    want: [true, true],
  },
  {
    name: 'different cards are separate swipes',
    windowMs: 2000,
    reads: [
      { at: 0, uid: 'A' },
      { at: 1, uid: 'B' },
    ],
    want: [true, true],
  },
  {
    name: 'same card on another reader is a separate swipe',
    windowMs: 2000,
    reads: [
      { at: 0, uid: 'A' },
      { at: 1, uid: 'A', reader: 'r2' },
    ],
    want: [true, true],
  },
  {
    name: 'a card held on the reader stays one swipe (window slides)',
    windowMs: 1000,
    reads: [0, 500, 1000, 1500, 2000, 2500].map((at) => ({ at, uid: 'A' })),
    want: [true, false, false, false, false, false],
  },
  {
    name: 'window 0 turns debouncing off',
    windowMs: 0,
    reads: [
      { at: 0, uid: 'A' },
      { at: 0, uid: 'A' },
    ],
    want: [true, true],
  },
  {
    name: 'clock going backwards starts a new swipe',
    windowMs: 2000,
    reads: [
      { at: 5000, uid: 'A' },
      { at: 1000, uid: 'A' },
    ],
    want: [true, true],
  },
];

describe('swipe debouncer', () => {
  for (const c of cases) {
    it(c.name, () => {
      const clock = new ManualClock(0);
      const d = new SwipeDebouncer(c.windowMs, clock);
      const got = c.reads.map((r) => {
        clock.set(r.at);
        return d.accept(r.reader ?? 'r1', r.uid);
      });
      assert.deepEqual(got, c.want);
    });
  }

  it('stays correct past the sweep threshold', () => {
    const clock = new ManualClock(0);
    const d = new SwipeDebouncer(1000, clock);
    for (let i = 0; i < 5000; i++) {
      clock.set(i * 10);
      assert.equal(d.accept('r1', `card${i}`), true);
    }
    assert.equal(d.accept('r1', 'card4999'), false);
    clock.advance(1000);
    assert.equal(d.accept('r1', 'card4999'), true);
  });
});

describe('reconnect backoff', () => {
  const opts = { initialMs: 100, maxMs: 1000 };
  const table: [number, number][] = [
    [0, 100],
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1000],
    [50, 1000],
    [5000, 1000],
  ];
  for (const [attempt, want] of table) {
    it(`attempt ${attempt} waits at most ${want} ms, at least half`, () => {
      assert.equal(
        backoffDelay(attempt, opts, () => 1),
        want,
      );
      assert.equal(
        backoffDelay(attempt, opts, () => 0),
        want / 2,
      );
    });
  }

  it('spreads gateways that lost the same broker: different draws, different delays, all within [half, all]', () => {
    const draws = [0, 0.25, 0.5, 0.75, 0.999];
    const delays = draws.map((r) => backoffDelay(3, opts, () => r));
    assert.deepEqual(delays, [400, 500, 600, 700, 800]);
    assert.equal(
      jittered(1000, () => 0.5),
      750,
    );
  });
});
