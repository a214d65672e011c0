import { hash } from 'node:crypto';
import type { AttendanceRecord, AttendanceStatus } from '../../rules/types.ts';

/** putRecord's parameters, in column order. */
export type RecordParams = [
  studentId: string,
  sessionId: string,
  courseId: string,
  hallId: string,
  day: string,
  version: number,
  status: string,
  minutesPresent: number,
  flags: string,
  explanations: string,
  eventIds: string,
  intervals: string,
  fingerprint: string,
  decidedAt: number,
];

/**
 * The engine's decision for one record, ready to write: the row's values
 * (version included) and whether it is new. decideRecord() makes it from a
 * snapshot (possibly on another connection); applyRecord() writes it only if
 * the stored record is still the one it was decided against.
 */
export interface RecordDecision {
  row: RecordParams;
  outcome: 'inserted' | 'updated';
}

/** A record's JSON columns, serialised once for the row, its fingerprint and nothing else. */
export interface RecordJson {
  flags: string;
  explanations: string;
  eventIds: string;
  intervals: string;
  fingerprint: string;
}

/** The record a decision's row describes (JSON columns parsed back). */
export function recordOfDecision(d: RecordDecision): AttendanceRecord {
  const [
    studentId,
    sessionId,
    courseId,
    hallId,
    ,
    ,
    status,
    minutesPresent,
    flags,
    explanations,
    eventIds,
    intervals,
  ] = d.row;
  return {
    studentId,
    sessionId,
    courseId,
    hallId,
    status: status as AttendanceStatus,
    minutesPresent,
    intervals: JSON.parse(intervals) as AttendanceRecord['intervals'],
    flags: JSON.parse(flags) as string[],
    explanations: JSON.parse(explanations) as AttendanceRecord['explanations'],
    eventIds: JSON.parse(eventIds) as string[],
  };
}

export function recordJson(r: AttendanceRecord): RecordJson {
  const flags = JSON.stringify(r.flags);
  const explanations = JSON.stringify(r.explanations);
  const eventIds = JSON.stringify(r.eventIds);
  const intervals = JSON.stringify(r.intervals);
  // SHA-1 of, byte for byte, JSON.stringify([status, minutesPresent, intervals, flags, eventIds, explanations]).
  const fingerprint = hash(
    'sha1',
    `[${JSON.stringify(r.status)},${JSON.stringify(r.minutesPresent)},${intervals},${flags},${eventIds},${explanations}]`,
    'base64',
  );
  return { flags, explanations, eventIds, intervals, fingerprint };
}
