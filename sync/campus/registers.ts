import { recordStatus } from '../reports/attendanceStatus.ts';
import type { RecordPayload } from '../schema.ts';
import type { CampusSession, CampusStudent, Excuse, ReviewDecision } from './campusStore.ts';

/** A register cell's status: a record's status ('excused' when an excuse covers it). */
export type RegisterStatus = RecordPayload['status'];

type RecordIn = Pick<
  RecordPayload,
  'studentId' | 'sessionId' | 'status' | 'minutesPresent' | 'intervals' | 'flags' | 'explanations' | 'version'
> &
  Partial<Pick<RecordPayload, 'manual' | 'note'>>;

export interface SessionRegisterRow {
  studentId: string;
  name: string;
  status: RegisterStatus;
  minutesPresent: number;
  /** First recorded presence (epoch ms), null if none. */
  arrival: number | null;
  flags: string[];
  /** The rule engine's explanations, then the central decision or excuse. */
  explanations: string[];
  /** Version of the gateway's record, null when none arrived. */
  version: number | null;
  /** Decided by a person (central review or excuse). */
  manual: boolean;
}

/** Symbols of the signable course register. */
export const STATUS_SYMBOL: Record<RegisterStatus, string> = {
  present: 'P',
  late: 'L',
  absent: 'A',
  excused: 'E',
  early_exit: 'X',
  partial: 'H',
  review: 'R',
  unauthorized: 'U',
  pending: '.',
};

export function excuseCovers(
  e: Excuse,
  studentId: string,
  s: Pick<CampusSession, 'sessionId' | 'day'>,
): boolean {
  if (e.studentId !== studentId) return false;
  if (e.sessionId !== null) return e.sessionId === s.sessionId;
  return s.day >= e.fromDay && s.day <= e.toDay;
}

/**
 * One session's register: every enrolled student, by id. Precedence: an
 * excuse, then a central review decision, then the gateway's latest record;
 * with none of them, 'absent' once the session ended ('pending' before).
 */
export function sessionRegister(
  session: CampusSession,
  students: readonly CampusStudent[],
  records: readonly RecordIn[],
  excuses: readonly Excuse[],
  decisions: readonly ReviewDecision[],
  now: number,
): SessionRegisterRow[] {
  const recs = new Map(records.map((r) => [r.studentId, r]));
  const decs = new Map(decisions.map((d) => [d.studentId, d]));
  return [...students]
    .sort((a, b) => (a.studentId < b.studentId ? -1 : 1))
    .map((st) => {
      const rec = recs.get(st.studentId);
      const row: SessionRegisterRow = {
        studentId: st.studentId,
        name: st.name,
        status: rec ? recordStatus(rec) : now >= session.end ? 'absent' : 'pending',
        minutesPresent: rec?.minutesPresent ?? 0,
        arrival: rec?.intervals[0]?.from ?? null,
        flags: rec?.flags ?? [],
        explanations: rec ? rec.explanations.map((x) => x.text) : [],
        version: rec?.version ?? null,
        manual: false,
      };
      if (!rec && now >= session.end) row.explanations.push('no record received from the gateway');
      const dec = decs.get(st.studentId);
      if (dec) {
        row.status = dec.status;
        row.manual = true;
        row.explanations.push(`set to ${dec.status} by ${dec.author}: ${dec.reason}`);
      }
      const ex = excuses.find((e) => excuseCovers(e, st.studentId, session));
      if (ex) {
        row.status = 'excused';
        row.manual = true;
        row.explanations.push(`excused by ${ex.author}: ${ex.reason}`);
      }
      return row;
    });
}

export interface RateCounts {
  /** Sessions counted: every cell but 'pending'. */
  sessions: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
  /** (present + late) / (sessions - excused); null when that is 0. */
  rate: number | null;
}

/** Counts of a student's cells and the rate (present + late) / (sessions - excused). */
export function rateOf(statuses: readonly RegisterStatus[]): RateCounts {
  const c = { sessions: 0, present: 0, late: 0, excused: 0, absent: 0 };
  for (const s of statuses) {
    if (s === 'pending') continue;
    c.sessions++;
    if (s === 'present') c.present++;
    else if (s === 'late') c.late++;
    else if (s === 'excused') c.excused++;
    else if (s === 'absent') c.absent++;
  }
  const den = c.sessions - c.excused;
  return { ...c, rate: den === 0 ? null : Math.round(((c.present + c.late) / den) * 10_000) / 10_000 };
}

export interface CourseRegisterRow extends RateCounts {
  studentId: string;
  name: string;
  /** One status per session, in the order of the register's sessions. */
  statuses: RegisterStatus[];
  /** The same as symbols (STATUS_SYMBOL). */
  symbols: string;
}

/** The course register: one row per enrolled student, one cell per session (each a session register). */
export function courseRegister(
  sessions: readonly CampusSession[],
  students: readonly CampusStudent[],
  registers: ReadonlyMap<string, readonly SessionRegisterRow[]>,
): CourseRegisterRow[] {
  const cells = new Map<string, Map<string, RegisterStatus>>();
  for (const [sessionId, rows] of registers)
    cells.set(sessionId, new Map(rows.map((r) => [r.studentId, r.status])));
  return [...students]
    .sort((a, b) => (a.studentId < b.studentId ? -1 : 1))
    .map((st) => {
      const statuses = sessions.map((s) => cells.get(s.sessionId)?.get(st.studentId) ?? 'pending');
      return {
        studentId: st.studentId,
        name: st.name,
        statuses,
        symbols: statuses.map((s) => STATUS_SYMBOL[s]).join(''),
        ...rateOf(statuses),
      };
    });
}
