import { classifySession } from './classifySession.ts';
import { localClock } from './localClock.ts';
import type { DayContext } from './dayContext.ts';
import { splitByFaceConfidence } from './faceConfidence.ts';
import { orderEvents } from './orderEvents.ts';
import { pairCardFace } from './pairCardFace.ts';
import { tracePresence } from './presenceIntervals.ts';
import { buildTimetable } from './timetable.ts';
import type { AttendanceRecord, StudentDayInput, StudentDayResult } from './types.ts';
import { unauthorizedRecords } from './unauthorizedHall.ts';

interface Keyed {
  record: AttendanceRecord;
  start: number;
}

function compareRecords(a: Keyed, b: Keyed): number {
  const x = a.record.sessionId;
  const y = b.record.sessionId;
  return a.start - b.start || (x < y ? -1 : x > y ? 1 : 0);
}

/**
 * Classifies one student's day. Pure: the same input gives the same output,
 * whatever the order of events or sessions and however many copies of an event.
 *
 * Steps: keep the student's own events -> drop low-confidence faces -> order,
 * dedupe, debounce -> pair badge with face into passages -> trace stays per
 * hall -> one record per enrolled session of the day (each exactly once) ->
 * records for unauthorized presence. Records are sorted by session start.
 */
export function classifyStudentDay(input: StudentDayInput): StudentDayResult {
  const base = input.thresholds;
  const own = input.events.filter((e) => e.studentId === input.studentId);
  const { kept, ignored } = splitByFaceConfidence(own, base.faceMinConfidence);
  const ordered = orderEvents(kept, base.debounceSec);
  const lowConfidence = orderEvents(ignored, 0).events;
  const otherFaces = orderEvents(
    splitByFaceConfidence(
      (input.otherFaceEvents ?? []).filter(
        (e) => e.source === 'face' && e.studentId !== null && e.studentId !== input.studentId,
      ),
      base.faceMinConfidence,
    ).kept,
    0,
  ).events;
  const { passages, mismatches } = pairCardFace(ordered.events, otherFaces, base.pairingWindowSec);
  const hallsSeen = new Set(own.map((e) => e.hallId));
  const timetable = buildTimetable(
    input.sessions,
    input.enrolledCourseIds,
    hallsSeen,
    base,
    input.courseOverrides,
  );
  const { intervals, orphanExits } = tracePresence(passages, timetable, input.now);
  const day: DayContext = {
    studentId: input.studentId,
    now: input.now,
    base,
    timetable,
    passages,
    intervals,
    orphanExits,
    mismatches,
    lowConfidence,
    debounced: ordered.debounced,
    clock: localClock(input.siteDay),
  };
  const starts = new Map(timetable.all.map((s) => [s.sessionId, s.start]));
  const records = [...timetable.enrolled.map((s) => classifySession(s, day)), ...unauthorizedRecords(day)]
    .map((record) => ({ record, start: starts.get(record.sessionId) ?? record.intervals[0]?.from ?? 0 }))
    .sort(compareRecords)
    .map((k) => k.record);
  return { records };
}
