import { defaultThresholds } from '../../rules/index.ts';
import type {
  AttendanceRecord,
  Direction,
  EventSource,
  IdentityEvent,
  LectureSession,
  StudentDayInput,
  StudentDayResult,
  Thresholds,
} from '../../rules/types.ts';

/** Monday 2026-03-02 00:00 UTC. */
export const DAY0 = Date.UTC(2026, 2, 2);

/** 'HH:MM' or 'HH:MM:SS' on DAY0 as epoch ms. */
export function at(clock: string): number {
  const [h = 0, m = 0, s = 0] = clock.split(':').map(Number);
  return DAY0 + ((h * 60 + m) * 60 + s) * 1000;
}

export const MIN = 60_000;
export const SEC = 1000;

export function session(p: Partial<LectureSession> = {}): LectureSession {
  return { sessionId: 'L1', courseId: 'C1', hallId: 'H1', start: at('09:00'), end: at('10:30'), ...p };
}

export interface EvSpec {
  at: string | number;
  dir?: Direction;
  source?: EventSource;
  student?: string | null;
  hall?: string;
  gate?: string;
  id?: string;
  confidence?: number;
  rawId?: string;
  trackId?: string;
}

/** An event; the id derives from the fields, so equal specs give equal events. */
export function ev(p: EvSpec): IdentityEvent {
  const ts = typeof p.at === 'number' ? p.at : at(p.at);
  const source = p.source ?? 'rfid';
  const hall = p.hall ?? 'H1';
  const student = p.student === undefined ? 'S1' : p.student;
  const e: IdentityEvent = {
    eventId: p.id ?? `${source}:${student ?? 'x'}:${hall}:${p.dir ?? 'enter'}:${ts}`,
    source,
    studentId: student,
    rawId: p.rawId ?? (source === 'rfid' ? `card-${student ?? 'unknown'}` : (student ?? 'unknown')),
    gateId: p.gate ?? `${hall}-G1`,
    hallId: hall,
    direction: p.dir ?? 'enter',
    ts,
  };
  if (source === 'face') e.confidence = p.confidence ?? 0.9;
  if (p.trackId !== undefined) e.trackId = p.trackId;
  return e;
}

export const enter = (t: string | number, o: Omit<EvSpec, 'at'> = {}): IdentityEvent =>
  ev({ at: t, dir: 'enter', ...o });
export const exit = (t: string | number, o: Omit<EvSpec, 'at'> = {}): IdentityEvent =>
  ev({ at: t, dir: 'exit', ...o });

export function input(p: Partial<StudentDayInput> & { th?: Partial<Thresholds> } = {}): StudentDayInput {
  const { th, ...rest } = p;
  return {
    studentId: 'S1',
    sessions: [session()],
    enrolledCourseIds: ['C1'],
    events: [],
    thresholds: { ...defaultThresholds, ...th },
    now: at('23:59'),
    ...rest,
  };
}

export function recordOf(result: StudentDayResult, sessionId = 'L1'): AttendanceRecord {
  const r = result.records.filter((x) => x.sessionId === sessionId);
  if (r.length !== 1) throw new Error(`expected one record for ${sessionId}, got ${r.length}`);
  return r[0]!;
}

/** Deterministic Fisher-Yates with a tiny LCG, for tests that shuffle by hand. */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
