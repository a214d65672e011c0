import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SiteTime } from '../../kernel/siteTime.ts';
import type { StoredRecord } from '../../gateway/store/localStore.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const auckland = new SiteTime('Pacific/Auckland');
const DAY = '2026-12-02';
/** Local working hours of the simulated day: lectures 09:00-15:45, swipes from half an hour before. */
const OPEN_MIN = 8 * 60;
const CLOSE_MIN = 16 * 60 + 30;

function inWorkingHours(ts: number): boolean {
  const m = auckland.minutesOf(ts);
  return auckland.dayOf(ts) === DAY && m >= OPEN_MIN && m <= CLOSE_MIN;
}

describe("the simulator's day is the site's local day", () => {
  it('HALLGATE_SITE__TIME_ZONE=Pacific/Auckland simulate --day 2026-12-02: every record on that day, in local working hours', async () => {
    const db = join(dir, 'auckland.db');
    const sim = await runCli(
      ['simulate', '--db', db, '--day', DAY, '--rate', '0', '--students', '80', '--unauthorized-pct', '10'],
      { HALLGATE_SITE__TIME_ZONE: 'Pacific/Auckland', LOG_LEVEL: 'silent' },
    );
    assert.equal(sim.code, 0, sim.stderr);
    // Read without the variable: the store remembers the zone its days are in.
    const out = await runCli(['records', '--db', db, '--json'], { LOG_LEVEL: 'silent' });
    assert.equal(out.code, 0, out.stderr);
    const recs = JSON.parse(out.stdout) as StoredRecord[];
    assert.ok(recs.length >= 80, `records: ${recs.length}`);
    let arrivals = 0;
    for (const r of recs) {
      const what = `${r.studentId} ${r.sessionId}`;
      assert.equal(r.day, DAY, what);
      if (r.sessionId.startsWith('none:')) assert.ok(r.sessionId.endsWith(`:${DAY}`), r.sessionId);
      else assert.ok(r.sessionId.endsWith(`-${DAY}`), r.sessionId);
      for (const iv of r.intervals) {
        assert.ok(inWorkingHours(iv.from) && inWorkingHours(iv.to), `${what} ${auckland.clockOf(iv.from)}`);
      }
      for (const e of r.explanations) {
        for (const [, hh, mm] of e.text.matchAll(/arrived (\d\d):(\d\d):\d\d/g)) {
          const min = Number(hh) * 60 + Number(mm);
          assert.ok(min >= OPEN_MIN && min <= CLOSE_MIN, `${what}: ${e.text}`);
          arrivals++;
        }
      }
    }
    assert.ok(arrivals > 0, 'explanations name arrival times');
    // The first lecture is at 09:00 local: on time means arriving at about 09:00, not 20:00 (UTC).
    const first = recs.find((r) => r.sessionId === `C101-${DAY}` && r.status === 'present');
    assert.ok(first !== undefined);
    assert.ok(first.intervals.some((iv) => auckland.clockOf(iv.from) === '09:00:00'));
  });

  it('a bad --day or site.timeZone is one clear line, before anything is written', async () => {
    const db = join(dir, 'bad.db');
    const day = await runCli(['simulate', '--db', db, '--day', '2026-02-30'], { LOG_LEVEL: 'silent' });
    assert.equal(day.code, 2);
    assert.equal(day.stderr.trim(), "hallgate simulate: --day must be a date YYYY-MM-DD, got '2026-02-30'");
    const zone = await runCli(['records', '--db', db], {
      HALLGATE_SITE__TIME_ZONE: 'Mars/Base',
      LOG_LEVEL: 'silent',
    });
    assert.equal(zone.code, 1);
    assert.match(zone.stderr, /site\.timeZone: got "Mars\/Base"; expected an IANA time zone name/);
    assert.doesNotMatch(zone.stderr, /\n\s+at /, 'no stack trace');
  });

  it('the demo lays out its day in the site time zone, and refuses an unknown one clearly', async () => {
    const keep = join(dir, 'demo');
    const demo = await runCli(['demo', '--duration', '3', '--http-port', '0', '--keep', keep], {
      HALLGATE_SITE__TIME_ZONE: 'Pacific/Auckland',
    });
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /simulated \d\d:\d\d:\d\d-\d\d:\d\d:\d\d Pacific\/Auckland/);
    const bad = await runCli(['demo', '--duration', '3', '--http-port', '0'], {
      HALLGATE_SITE__TIME_ZONE: 'Mars/Base',
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /site\.timeZone: got "Mars\/Base"; expected an IANA time zone name/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });
});
