import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unpairedFaces } from '../../rules/index.ts';
import { ev } from './factories.ts';

describe('unpairedFaces (what to pass as otherFaceEvents)', () => {
  const cases = [
    {
      name: 'face confirmed by its owner\u2019s badge within the window is dropped',
      faceSec: 10,
      keep: false,
    },
    { name: 'face one second past the window is kept', faceSec: 11, keep: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const badge = ev({ at: '09:00:00', student: 'S2', id: 'b' });
      const face = ev({ at: `09:00:${c.faceSec}`, student: 'S2', source: 'face', dir: 'unknown', id: 'f' });
      assert.deepEqual(
        unpairedFaces([face, badge], 10).map((e) => e.eventId),
        c.keep ? ['f'] : [],
      );
    });
  }
  it('unknown faces, badges and faces at other gates or of other owners are handled apart', () => {
    const evs = [
      ev({ at: '09:00:00', student: 'S2', id: 'b' }),
      ev({ at: '09:00:02', student: 'S2', source: 'face', gate: 'H1-G2', id: 'other-gate' }),
      ev({ at: '09:00:02', student: 'S3', source: 'face', id: 'other-owner' }),
      ev({ at: '09:00:02', student: null, source: 'face', id: 'unknown' }),
    ];
    assert.deepEqual(
      unpairedFaces(evs, 10).map((e) => e.eventId),
      ['other-gate', 'other-owner'],
    );
  });
});
