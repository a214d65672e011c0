import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SiteTime } from '../../kernel/siteTime.ts';
import { classifyStudentDay, localClock } from '../../rules/index.ts';
import { runCases, type Case } from './cases.ts';
import { enter, exit, input, session } from './factories.ts';

// Daylight-saving days. Instants are written in UTC (unambiguous); the site day
// and its offsets come from the day module, as the gateway passes them.
const u = (iso: string): number => Date.parse(`${iso}Z`);
const texts = (r: { explanations: { text: string }[] }): string =>
  r.explanations.map((e) => e.text).join(' | ');

/** Cases on one site day: its lecture L1 in H1, `now` at the end of the local day. */
function onDay(zone: string, day: string, start: number, end: number, cases: Case[]): Case[] {
  const site = new SiteTime(zone);
  const extra = { sessions: [session({ start, end })], siteDay: site.siteDay(day) };
  return cases.map((c) => ({ now: site.boundsOf(day).end, ...c, extra: { ...extra, ...c.extra } }));
}

// Europe/Berlin, Sunday 2027-03-28: 02:00 CET -> 03:00 CEST (01:00 UTC). A lecture 01:30-03:30 local lasts 60 minutes.
runCases(
  'DST Europe/Berlin 2027-03-28 (clocks forward): 01:30-03:30 local is one hour',
  onDay('Europe/Berlin', '2027-03-28', u('2027-03-28T00:30'), u('2027-03-28T01:30'), [
    {
      name: 'whole lecture: 60 minutes, explained in local time',
      events: [enter(u('2027-03-28T00:28')), exit(u('2027-03-28T01:32'))],
      status: 'present',
      minutes: 60,
      check: (r) => assert.match(texts(r), /arrived 01:28:00, counted from 01:30:00/),
    },
    {
      name: 'arrival 03:00:00 local is exactly start + absentAfter (30 min, not 90): late',
      events: [enter(u('2027-03-28T01:00')), exit(u('2027-03-28T01:32'))],
      status: 'late',
      minutes: 30,
      check: (r) => assert.match(texts(r), /arrived 03:00:00, 30m00s after 01:30:00/),
    },
    {
      name: 'arrival 03:00:01 local is absent',
      events: [enter(u('2027-03-28T01:00:01')), exit(u('2027-03-28T01:32'))],
      status: 'absent',
      flags: ['arrived_after_cutoff'],
    },
    {
      name: 'arrival 01:35:00 local is within grace',
      events: [enter(u('2027-03-28T00:35')), exit(u('2027-03-28T01:32'))],
      status: 'present',
    },
    {
      name: 'arrival 01:35:01 local is late',
      events: [enter(u('2027-03-28T00:35:01')), exit(u('2027-03-28T01:32'))],
      status: 'late',
    },
    {
      name: 'leaving at 03:20:00 local (end - 10 min) is not early',
      events: [enter(u('2027-03-28T00:28')), exit(u('2027-03-28T01:20'))],
      status: 'present',
    },
    {
      name: 'leaving at 03:19:59 local is an early exit, explained in local time',
      events: [enter(u('2027-03-28T00:28')), exit(u('2027-03-28T01:19:59'))],
      status: 'early_exit',
      check: (r) => assert.match(texts(r), /left at 03:19:59, 10m01s before the end/),
    },
  ]),
);

// Europe/Berlin, Sunday 2027-10-31: 03:00 CEST -> 02:00 CET (01:00 UTC). 01:30-03:30 local lasts 180 minutes.
runCases(
  'DST Europe/Berlin 2027-10-31 (clocks back): 01:30-03:30 local is three hours',
  onDay('Europe/Berlin', '2027-10-31', u('2027-10-30T23:30'), u('2027-10-31T02:30'), [
    {
      name: 'whole lecture: 180 minutes',
      events: [enter(u('2027-10-30T23:28')), exit(u('2027-10-31T02:31'))],
      status: 'present',
      minutes: 180,
      check: (r) => assert.match(texts(r), /arrived 01:28:00/),
    },
    {
      name: 'arrival at the first 02:00 local (CEST) is 30 min after start: late',
      events: [enter(u('2027-10-31T00:00')), exit(u('2027-10-31T02:31'))],
      status: 'late',
      minutes: 150,
      check: (r) => assert.match(texts(r), /arrived 02:00:00, 30m00s after 01:30:00/),
    },
    {
      name: 'arrival at the second 02:00 local (CET) is 90 min after start: absent',
      events: [enter(u('2027-10-31T01:00')), exit(u('2027-10-31T02:31'))],
      status: 'absent',
      check: (r) => assert.match(texts(r), /first presence 02:00:00, 1h30m00s after 01:30:00/),
    },
    {
      name: 'a 15-minute break across the change (02:50 CEST out, 02:05 CET back) is a break',
      events: [
        enter(u('2027-10-30T23:28')),
        exit(u('2027-10-31T00:50')),
        enter(u('2027-10-31T01:05')),
        exit(u('2027-10-31T02:31')),
      ],
      status: 'present',
      flags: ['break'],
      minutes: 165,
      check: (r) => assert.match(texts(r), /out 02:50:00, back 02:05:00: 15m00s/),
    },
  ]),
);

// Pacific/Auckland, Sunday 2027-04-04: 03:00 NZDT -> 02:00 NZST (14:00 UTC on 3 April). 02:00-04:00 local lasts 3 hours.
runCases(
  'DST Pacific/Auckland 2027-04-04 (clocks back): 02:00-04:00 local is three hours, on the local day',
  onDay('Pacific/Auckland', '2027-04-04', u('2027-04-03T13:00'), u('2027-04-03T16:00'), [
    {
      name: 'whole lecture: 180 minutes',
      events: [enter(u('2027-04-03T12:58')), exit(u('2027-04-03T16:01'))],
      status: 'present',
      minutes: 180,
      check: (r) => assert.match(texts(r), /arrived 01:58:00/),
    },
    {
      name: 'arrival 02:30:00 local NZST is 90 min after start: absent',
      events: [enter(u('2027-04-03T14:30')), exit(u('2027-04-03T16:01'))],
      status: 'absent',
    },
    {
      name: 'arrival 02:30:00 local NZDT is exactly the cut-off: late',
      events: [enter(u('2027-04-03T13:30')), exit(u('2027-04-03T16:01'))],
      status: 'late',
    },
  ]),
);

describe('DST: the day of presence outside any session is the local one', () => {
  it('Auckland 2027-04-04 00:30 local (11:30 UTC on 3 April) files under none:H2:2027-04-04', () => {
    const site = new SiteTime('Pacific/Auckland');
    const { records } = classifyStudentDay(
      input({
        sessions: [],
        enrolledCourseIds: [],
        events: [enter(u('2027-04-03T11:30'), { hall: 'H2' }), exit(u('2027-04-03T11:45'), { hall: 'H2' })],
        siteDay: site.siteDay('2027-04-04'),
        now: site.boundsOf('2027-04-04').end,
      }),
    );
    assert.deepEqual(
      records.map((r) => [r.sessionId, r.status, r.minutesPresent]),
      [['none:H2:2027-04-04', 'unauthorized', 15]],
    );
    assert.match(texts(records[0]!), /00:30:00-00:45:00/);
    assert.equal(site.dayOf(u('2027-04-03T11:30')), '2027-04-04');
  });
});

describe("rules' local clock agrees with the day module (offsets as data, no Intl)", () => {
  const days: [string, string][] = [
    ['Europe/Berlin', '2027-03-28'],
    ['Europe/Berlin', '2027-10-31'],
    ['Pacific/Auckland', '2027-04-04'],
    ['Pacific/Auckland', '2026-12-02'],
    ['Asia/Kolkata', '2026-03-19'],
    ['UTC', '2026-03-19'],
  ];
  for (const [zone, day] of days) {
    it(`${zone} ${day}: every 7 minutes and the edges, clock time and day`, () => {
      const site = new SiteTime(zone);
      const clock = localClock(site.siteDay(day));
      const { start, end } = site.boundsOf(day);
      const instants = [start, end - 1];
      for (let t = start; t < end; t += 7 * 60_000 + 1234) instants.push(t);
      for (const t of instants) {
        assert.equal(clock.clockOf(t), site.clockOf(t), `${zone} ${new Date(t).toISOString()}`);
        assert.equal(clock.dayOf(t), day);
      }
    });
  }
});
