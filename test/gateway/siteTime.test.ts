import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, isTimeZone, parseDay, SiteTime, weekdayOfDay } from '../../kernel/siteTime.ts';

const at = (iso: string): number => Date.parse(iso);
const H = 3_600_000;

describe('SiteTime: the day of the site', () => {
  it('UTC: names the day of an instant, across day boundaries in any order', () => {
    const site = new SiteTime('UTC');
    const midnight = at('2026-03-20T00:00:00Z');
    const cases: [number, string][] = [
      [midnight - 1, '2026-03-19'],
      [midnight, '2026-03-20'],
      [midnight - 1, '2026-03-19'], // back to the day asked for before
      [midnight + 86_400_000 - 1, '2026-03-20'],
      [midnight + 86_400_000, '2026-03-21'],
      [midnight + 0.5, '2026-03-20'],
      [at('1969-12-31T23:59:59.999Z'), '1969-12-31'],
      [0, '1970-01-01'],
    ];
    for (const [ts, day] of cases) assert.equal(site.dayOf(ts), day, String(ts));
  });

  it('throws for an instant that is not a date, and for an unknown zone', () => {
    assert.throws(() => new SiteTime('UTC').dayOf(Number.NaN), RangeError);
    assert.throws(() => new SiteTime('Pacific/Auckland').dayOf(Number.NaN), RangeError);
    assert.throws(() => new SiteTime('Mars/Olympus'), /unknown time zone 'Mars\/Olympus'/);
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone(''), false);
    assert.equal(isTimeZone('Europe/Nowhere'), false);
  });

  it('local days, clock times, hours and weekdays (table, boundaries to the millisecond)', () => {
    const cases: [zone: string, iso: string, day: string, clock: string, hour: number, weekday: number][] = [
      // Auckland (NZDT, +13): 09:00 local on Wednesday 2 December is 20:00 UTC on Tuesday 1 December.
      ['Pacific/Auckland', '2026-12-01T20:00:00Z', '2026-12-02', '09:00:00', 9, 2],
      ['Pacific/Auckland', '2026-12-01T10:59:59.999Z', '2026-12-01', '23:59:59', 23, 1],
      ['Pacific/Auckland', '2026-12-01T11:00:00Z', '2026-12-02', '00:00:00', 0, 2],
      ['Australia/Sydney', '2026-03-18T22:00:00Z', '2026-03-19', '09:00:00', 9, 3],
      ['America/New_York', '2026-03-20T03:59:59Z', '2026-03-19', '23:59:59', 23, 3],
      ['America/New_York', '2026-03-20T04:00:00Z', '2026-03-20', '00:00:00', 0, 4],
      ['Europe/Berlin', '2027-03-28T00:59:59Z', '2027-03-28', '01:59:59', 1, 6],
      ['Europe/Berlin', '2027-03-28T01:00:00Z', '2027-03-28', '03:00:00', 3, 6],
      ['Europe/Berlin', '2027-10-31T00:59:59Z', '2027-10-31', '02:59:59', 2, 6],
      ['Europe/Berlin', '2027-10-31T01:00:00Z', '2027-10-31', '02:00:00', 2, 6],
      ['Asia/Kolkata', '2026-03-19T18:29:59Z', '2026-03-19', '23:59:59', 23, 3],
      ['Asia/Kolkata', '2026-03-19T18:30:00Z', '2026-03-20', '00:00:00', 0, 4],
    ];
    for (const [zone, iso, day, clock, hour, weekday] of cases) {
      const site = new SiteTime(zone);
      assert.equal(site.dayOf(at(iso)), day, `${zone} ${iso} day`);
      assert.equal(site.clockOf(at(iso)), clock, `${zone} ${iso} clock`);
      assert.equal(site.hourOf(at(iso)), hour, `${zone} ${iso} hour`);
      assert.equal(site.weekdayOf(at(iso)), weekday, `${zone} ${iso} weekday`);
    }
  });

  it("a day's UTC boundaries: 24 h, 23 h when clocks go forward, 25 h when they go back", () => {
    const cases: [zone: string, day: string, start: string, end: string, hours: number][] = [
      ['UTC', '2026-03-19', '2026-03-19T00:00:00Z', '2026-03-20T00:00:00Z', 24],
      ['Pacific/Auckland', '2026-12-02', '2026-12-01T11:00:00Z', '2026-12-02T11:00:00Z', 24],
      ['Europe/Berlin', '2027-03-28', '2027-03-27T23:00:00Z', '2027-03-28T22:00:00Z', 23],
      ['Europe/Berlin', '2027-10-31', '2027-10-30T22:00:00Z', '2027-10-31T23:00:00Z', 25],
      ['Pacific/Auckland', '2027-04-04', '2027-04-03T11:00:00Z', '2027-04-04T12:00:00Z', 25],
      ['Pacific/Auckland', '2027-09-26', '2027-09-25T12:00:00Z', '2027-09-26T11:00:00Z', 23],
    ];
    for (const [zone, day, start, end, hours] of cases) {
      const site = new SiteTime(zone);
      const b = site.boundsOf(day);
      assert.deepEqual(b, { start: at(start), end: at(end) }, `${zone} ${day}`);
      assert.equal((b.end - b.start) / H, hours);
      assert.equal(site.dayOf(b.start), day);
      assert.equal(site.dayOf(b.end - 1), day);
      assert.equal(site.dayOf(b.start - 1), addDays(day, -1));
      assert.equal(site.dayOf(b.end), addDays(day, 1));
    }
  });

  it('local wall times: a repeated time is the earlier, a missing one moves forward by the gap', () => {
    const berlin = new SiteTime('Europe/Berlin');
    assert.equal(berlin.instantOf('2027-03-28', 9 * 60), at('2027-03-28T07:00:00Z'));
    assert.equal(berlin.instantOf('2027-03-28', 2 * 60 + 30), at('2027-03-28T01:30:00Z')); // 02:30 does not exist: 03:30
    assert.equal(berlin.instantOf('2027-10-31', 2 * 60 + 30), at('2027-10-31T00:30:00Z')); // first 02:30 (CEST)
    assert.equal(berlin.instantOf('2027-10-31', 9 * 60), at('2027-10-31T08:00:00Z'));
    assert.equal(berlin.minutesOf(at('2027-10-31T08:00:00Z')), 9 * 60);
  });

  it('site days give the rule engine its offsets: one, or two on a daylight-saving day', () => {
    assert.deepEqual(new SiteTime('UTC').siteDay('2026-03-19'), {
      day: '2026-03-19',
      offsets: [{ from: at('2026-03-19T00:00:00Z'), offsetMs: 0 }],
    });
    assert.deepEqual(new SiteTime('Europe/Berlin').siteDay('2027-03-28'), {
      day: '2027-03-28',
      offsets: [
        { from: at('2027-03-27T23:00:00Z'), offsetMs: 1 * H },
        { from: at('2027-03-28T01:00:00Z'), offsetMs: 2 * H },
      ],
    });
    assert.deepEqual(new SiteTime('Pacific/Auckland').siteDay('2027-04-04'), {
      day: '2027-04-04',
      offsets: [
        { from: at('2027-04-03T11:00:00Z'), offsetMs: 13 * H },
        { from: at('2027-04-03T14:00:00Z'), offsetMs: 12 * H },
      ],
    });
  });

  it('calendar days: real dates only, weekdays the same in every zone', () => {
    assert.deepEqual(parseDay('2028-02-29'), [2028, 2, 29]);
    for (const bad of ['2027-02-29', '2026-13-01', '2026-3-1', '20260301', '', '2026-03-19x'])
      assert.equal(parseDay(bad), null, bad);
    assert.equal(weekdayOfDay('2026-12-02'), 2); // a Wednesday
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
  });
});
