import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderEvents } from '../../rules/orderEvents.ts';
import { ev, shuffled } from './factories.ts';

describe('orderEvents', () => {
  it('orders by ts, then direction (exit<enter<unknown), then source (rfid<face), then eventId', () => {
    const evs = [
      ev({ at: '09:00', dir: 'unknown', id: 'a' }),
      ev({ at: '09:00', dir: 'enter', source: 'face', id: 'b', gate: 'G2' }),
      ev({ at: '09:00', dir: 'enter', id: 'd', gate: 'G3' }),
      ev({ at: '09:00', dir: 'enter', id: 'c', gate: 'G4' }),
      ev({ at: '09:00', dir: 'exit', id: 'e', gate: 'G5' }),
      ev({ at: '08:59', dir: 'unknown', id: 'f', gate: 'G6' }),
    ];
    for (let seed = 1; seed < 20; seed++) {
      const got = orderEvents(shuffled(evs, seed), 10).events.map((e) => e.eventId);
      assert.deepEqual(got, ['f', 'e', 'c', 'd', 'b', 'a']);
    }
  });

  const debounceCases = [
    { name: 'one second before the window end collapses', gapSec: 9, kept: 1 },
    { name: 'exactly at the window collapses (inclusive)', gapSec: 10, kept: 1 },
    { name: 'one second after the window is a new event', gapSec: 11, kept: 2 },
  ];
  for (const c of debounceCases) {
    it(`debounce: ${c.name}`, () => {
      const a = ev({ at: '09:00:00', id: 'a' });
      const b = ev({ at: a.ts + c.gapSec * 1000, id: 'b' });
      const out = orderEvents([b, a], 10);
      assert.equal(out.events.length, c.kept);
      assert.equal(out.debounced.length, 2 - c.kept);
      if (c.kept === 1) assert.equal(out.debounced[0]!.keptEventId, 'a');
    });
  }

  it('a burst is cut into windows measured from the first kept event (no chaining)', () => {
    const evs = [0, 8, 16, 24, 32].map((s, i) =>
      ev({ at: `09:00:${String(s).padStart(2, '0')}`, id: `e${i}` }),
    );
    const out = orderEvents(evs, 10);
    assert.deepEqual(
      out.events.map((e) => e.eventId),
      ['e0', 'e2', 'e4'],
    );
  });

  it('duplicates by eventId collapse to one copy, other identities, gates, sources and directions do not', () => {
    const a = ev({ at: '09:00', id: 'a' });
    const evs = [
      a,
      { ...a },
      { ...a },
      ev({ at: '09:00:01', id: 'other-student', student: 'S2' }),
      ev({ at: '09:00:01', id: 'other-gate', gate: 'H1-G2' }),
      ev({ at: '09:00:01', id: 'face', source: 'face' }),
      ev({ at: '09:00:01', id: 'exit', dir: 'exit' }),
    ];
    const out = orderEvents(evs, 10);
    assert.deepEqual(out.events.map((e) => e.eventId).sort(), [
      'a',
      'exit',
      'face',
      'other-gate',
      'other-student',
    ]);
    assert.equal(out.debounced.length, 0);
  });
});
