import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultThresholds, invalidAttempts } from '../../rules/index.ts';
import { at, ev, SEC, shuffled } from './factories.ts';

describe('scenario 10: unknown identity (invalidAttempts)', () => {
  it('unknown badge and unknown face get their reasons; known ones are not attempts', () => {
    const out = invalidAttempts(
      [
        ev({ at: '09:00', student: null, rawId: 'DEADBEEF', id: 'b' }),
        ev({ at: '09:01', student: null, source: 'face', rawId: 'unknown', trackId: 't1', id: 'f' }),
        ev({ at: '09:02', id: 'known' }),
      ],
      defaultThresholds,
    );
    assert.deepEqual(
      out.map((a) => [a.eventId, a.reason, a.rawId]),
      [
        ['b', 'unknown_badge', 'DEADBEEF'],
        ['f', 'unknown_face', 'unknown'],
      ],
    );
    assert.deepEqual(Object.keys(out[0]!).sort(), ['eventId', 'gateId', 'hallId', 'rawId', 'reason', 'ts']);
  });
  const cases = [
    { name: 'same card, same gate, 9 s apart: one attempt', gap: 9, n: 1 },
    { name: 'same card, same gate, exactly debounce apart: one attempt', gap: 10, n: 1 },
    { name: 'same card, same gate, 11 s apart: two attempts', gap: 11, n: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const a = ev({ at: '09:00', student: null, rawId: 'CAFE', id: 'a' });
      const b = ev({ at: at('09:00') + c.gap * SEC, student: null, rawId: 'CAFE', id: 'b' });
      assert.equal(invalidAttempts([b, a, a], defaultThresholds).length, c.n);
    });
  }
  it('different cards or gates are separate; order of input does not matter', () => {
    const evs = [
      ev({ at: '09:00', student: null, rawId: 'A1', id: '1' }),
      ev({ at: '09:00:02', student: null, rawId: 'A2', id: '2' }),
      ev({ at: '09:00:03', student: null, rawId: 'A1', gate: 'H1-G2', id: '3' }),
      ev({ at: '09:00:04', student: null, source: 'face', rawId: 'unknown', trackId: 'x', id: '4' }),
      ev({ at: '09:00:05', student: null, source: 'face', rawId: 'unknown', trackId: 'y', id: '5' }),
    ];
    const want = invalidAttempts(evs, defaultThresholds).map((a) => a.eventId);
    assert.deepEqual(want, ['1', '2', '3', '4', '5']);
    for (let s = 1; s < 10; s++)
      assert.deepEqual(
        invalidAttempts(shuffled(evs, s), defaultThresholds).map((a) => a.eventId),
        want,
      );
  });
});
