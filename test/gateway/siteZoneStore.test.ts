import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { createLogger } from '../../kernel/log.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const at = (iso: string): number => Date.parse(iso);
const log = createLogger({ level: 'silent' });
// 09:00-10:30 on Wednesday 2 December in Auckland (+13) is 20:00-21:30 UTC on Tuesday 1 December.
const LECTURE = {
  sessionId: 'C1-a',
  courseId: 'C1',
  hallId: 'H1',
  start: at('2026-12-01T20:00:00Z'),
  end: at('2026-12-01T21:30:00Z'),
};
const CARD = '00000000A1';

function core(path: string, timeZone: string, now: number): GatewayCore {
  const cfg = configSchema.parse({
    store: { path },
    site: { timeZone },
    pipeline: { classifierThread: false },
  });
  return new GatewayCore(cfg, new ManualClock(now), log);
}

function swipe(c: GatewayCore, iso: string, hallId: string, direction: 'enter' | 'exit'): void {
  c.pipeline.ingest({
    kind: 'swipe',
    uid: CARD,
    ts: at(iso),
    gate: { gateId: `${hallId}-door`, hallId, direction },
  });
}

describe('setting site.timeZone on an existing store moves its days', () => {
  it('sessions, events, records and none: records move to the local day; readers keep the zone', async () => {
    const path = join(dir, 'zone.db');
    const end = at('2026-12-01T23:00:00Z');
    const utc = core(path, 'UTC', LECTURE.start - 3_600_000);
    utc.store.tx(() => {
      utc.store.upsertStudent({ studentId: 'S1', name: 'Ann', cardUid: CARD }, 0);
      utc.store.upsertEnrolment('S1', 'C1');
      utc.store.upsertSession(LECTURE);
    });
    utc.rebuildBloom();
    swipe(utc, '2026-12-01T19:58:00Z', 'H1', 'enter');
    swipe(utc, '2026-12-01T21:32:00Z', 'H1', 'exit');
    swipe(utc, '2026-12-01T22:00:00Z', 'H2', 'enter'); // 11:00 local, nothing scheduled in H2
    swipe(utc, '2026-12-01T22:20:00Z', 'H2', 'exit');
    utc.pipeline.settle();
    assert.deepEqual(
      utc.store.listRecords({}).map((r) => [r.sessionId, r.day]),
      [
        ['C1-a', '2026-12-01'],
        ['none:H2:2026-12-01', '2026-12-01'],
      ],
    );
    await utc.close();

    const local = core(path, 'Pacific/Auckland', end);
    assert.deepEqual(local.store.rederived, {
      from: 'UTC',
      to: 'Pacific/Auckland',
      sessions: 1,
      events: 4,
      invalid: 0,
      records: 1,
      noneRecords: 1,
      sketches: 1,
    });
    local.pipeline.settle();
    const recs = local.store.listRecords({});
    assert.deepEqual(
      recs.map((r) => [r.sessionId, r.day, r.status]),
      [
        ['C1-a', '2026-12-02', 'present'],
        ['none:H2:2026-12-02', '2026-12-02', 'unauthorized'],
      ],
    );
    assert.match(recs[0]!.explanations.map((e) => e.text).join(' | '), /arrived 08:58:00/);
    assert.match(recs[1]!.explanations.map((e) => e.text).join(' | '), /11:00:00-11:20:00/);
    assert.equal(local.store.sessionsOfDay('2026-12-02').length, 1);
    assert.equal(local.store.eventsOfStudentDay('S1', '2026-12-02').length, 4);
    assert.equal(local.store.exactUniqueCount('C1', '2026-12-02'), 1);
    await local.close();

    // A reader opening without a zone uses the store's; opening again with the same zone changes nothing.
    const reader = LocalStore.open(path, end);
    assert.equal(reader.site.zone, 'Pacific/Auckland');
    assert.equal(reader.rederived, null);
    assert.notEqual(reader.loadHll('C1', '2026-12-02'), undefined, 'the sketch is rebuilt in the local day');
    assert.equal(reader.loadHll('C1', '2026-12-01'), undefined);
    reader.close();
    const again = LocalStore.open(path, end, { timeZone: 'Pacific/Auckland' });
    assert.equal(again.rederived, null);
    assert.equal(again.listRecords({ day: '2026-12-02' }).length, 2);
    again.close();
  });

  it('a new store records its zone; an unknown zone is refused at open', () => {
    const s = LocalStore.open(join(dir, 'new.db'), 0, { timeZone: 'Europe/Berlin' });
    assert.equal(s.rederived, null);
    assert.equal(s.getMeta('site_time_zone'), 'Europe/Berlin');
    s.close();
    assert.throws(
      () => LocalStore.open(join(dir, 'bad.db'), 0, { timeZone: 'Europe/Nowhere' }),
      /unknown time zone 'Europe\/Nowhere'/,
    );
  });
});
