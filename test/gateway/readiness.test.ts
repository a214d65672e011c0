import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Health } from '../../gateway/health.ts';
import { readiness } from '../../gateway/http/readiness.ts';

function health(over: Partial<Health> = {}): Health {
  return {
    version: '0.1.0',
    uptimeSec: 10,
    readers: { r1: 'open' },
    camera: null,
    outboxDepth: 0,
    oldestUnsyncedAgeSec: null,
    diskFreeMb: 5000,
    spooled: 0,
    lastSweepAt: 1,
    clock: { suspect: false, skewMs: 0, reason: null },
    degraded: false,
    ...over,
  };
}
const opts = { storeOpen: true, minDiskFreeMb: 200 };

describe('readiness', () => {
  const cases: [string, Parameters<typeof health>[0], { storeOpen?: boolean }, string[]][] = [
    ['all well', {}, {}, []],
    ['store closed', {}, { storeOpen: false }, ['store closed']],
    [
      'a reader reconnecting',
      { readers: { r1: 'open', r2: 'reconnecting' } },
      {},
      ['reader r2 reconnecting'],
    ],
    ['inputs spooled', { spooled: 3 }, {}, ['3 input(s) spooled: the store refuses writes']],
    ['disk low', { diskFreeMb: 150 }, {}, ['disk free 150 MB < 200 MB']],
    [
      'clock suspect',
      { clock: { suspect: true, skewMs: 200_000, reason: 'skew 200 s' } },
      {},
      ['clock suspect: skew 200 s'],
    ],
    ['before the first sweep', { lastSweepAt: null }, {}, ['not started']],
    [
      'several at once',
      { readers: { r1: 'closed' }, spooled: 1 },
      { storeOpen: false },
      ['store closed', 'reader r1 closed', '1 input(s) spooled: the store refuses writes'],
    ],
  ];
  for (const [what, h, o, reasons] of cases) {
    it(what, () => {
      const r = readiness(health(h), { ...opts, ...o });
      assert.deepEqual(r, { ready: reasons.length === 0, reasons });
    });
  }
});
