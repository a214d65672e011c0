import { createHash } from 'node:crypto';
import { classifyStudentDay, defaultThresholds, invalidAttempts } from '../../../rules/index.ts';
import type { AttendanceRecord, InvalidAttempt } from '../../../rules/types.ts';
import { Campus } from './campusSim.ts';

export const GOLDEN_OPTIONS = {
  seed: 20_260_302,
  students: 500,
  halls: 12,
  coursesPerStudent: 5,
  /** Monday 2026-03-02 00:00 UTC. */
  firstDay: Date.UTC(2026, 2, 2),
  days: 5,
};

/** One line per record: session|student|status|minutes|flags. */
export function compactRecord(r: AttendanceRecord): string {
  return `${r.sessionId}|${r.studentId}|${r.status}|${r.minutesPresent}|${r.flags.join(',')}`;
}

export interface GoldenWeek {
  options: typeof GOLDEN_OPTIONS;
  /** sha256 of every full record (explanations included) and every invalid attempt. */
  fingerprint: string;
  statusCounts: Record<string, number>;
  flagCounts: Record<string, number>;
  invalidAttempts: number;
  records: string[];
}

/** Simulates the week (the last day classified at noon, so some sessions are pending) and summarises it. */
export function goldenWeek(): { golden: GoldenWeek; records: AttendanceRecord[]; invalid: InvalidAttempt[] } {
  const campus = new Campus({ ...GOLDEN_OPTIONS, thresholds: defaultThresholds });
  const records: AttendanceRecord[] = [];
  const invalid: InvalidAttempt[] = [];
  for (let d = 0; d < GOLDEN_OPTIONS.days; d++) {
    const dayStart = GOLDEN_OPTIONS.firstDay + d * 86_400_000;
    const day = campus.day(d, d === GOLDEN_OPTIONS.days - 1 ? dayStart + 12 * 3_600_000 : undefined);
    for (const input of day.inputs) records.push(...classifyStudentDay(input).records);
    invalid.push(...invalidAttempts(day.unknown, defaultThresholds));
  }
  const hash = createHash('sha256');
  for (const r of records) hash.update(JSON.stringify(r)).update('\n');
  for (const a of invalid) hash.update(JSON.stringify(a)).update('\n');
  const count = (keys: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of keys.sort()) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  return {
    golden: {
      options: GOLDEN_OPTIONS,
      fingerprint: hash.digest('hex'),
      statusCounts: count(records.map((r) => r.status)),
      flagCounts: count(records.flatMap((r) => r.flags)),
      invalidAttempts: invalid.length,
      records: records.map(compactRecord),
    },
    records,
    invalid,
  };
}
