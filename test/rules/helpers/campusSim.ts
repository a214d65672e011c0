/**
 * Seeded campus simulator for the rule engine's golden file and benchmark.
 * Deterministic: a seed gives the same days, byte for byte (no Math.random, no clock).
 */
import { unpairedFaces } from '../../../rules/index.ts';
import type { IdentityEvent, LectureSession, StudentDayInput, Thresholds } from '../../../rules/types.ts';

/** mulberry32: small, fast, good enough for simulations. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface CampusOptions {
  seed: number;
  students: number;
  halls: number;
  /** Courses each student takes (at most 10: five slots in each of the two day groups). */
  coursesPerStudent: number;
  /** First day, epoch ms at 00:00 UTC. */
  firstDay: number;
  thresholds: Thresholds;
}

export interface SimDay {
  dayIndex: number;
  dayStart: number;
  now: number;
  sessions: LectureSession[];
  inputs: StudentDayInput[];
  /** Events of unknown badges and faces (studentId null). */
  unknown: IdentityEvent[];
}

const MIN = 60_000;
const SLOTS: [number, number][] = [
  [8 * 60, 9 * 60 + 30],
  [9 * 60 + 45, 11 * 60 + 15],
  [11 * 60 + 30, 13 * 60],
  [14 * 60, 15 * 60 + 30],
  [15 * 60 + 45, 17 * 60 + 15],
];
/** Group 0 meets Mon/Wed/Fri, group 1 Tue/Thu. */
const groupOfDay = (d: number): number => (d % 2 === 0 ? 0 : 1);

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

export class Campus {
  readonly studentIds: string[];
  readonly enrolled: string[][];
  private readonly cells: number;

  constructor(readonly opts: CampusOptions) {
    const rnd = mulberry32(opts.seed);
    this.cells = opts.halls * SLOTS.length;
    this.studentIds = Array.from({ length: opts.students }, (_, i) => `S${pad(i + 1, 5)}`);
    // Each course: (group, hall, slot). A student takes courses in distinct (group, slot) pairs: no clashes by design.
    this.enrolled = this.studentIds.map(() => {
      const picks: string[] = [];
      const usedSlots = new Set<string>();
      while (picks.length < opts.coursesPerStudent) {
        const group = Math.floor(rnd() * 2);
        const slot = Math.floor(rnd() * SLOTS.length);
        if (usedSlots.has(`${group}:${slot}`)) continue;
        usedSlots.add(`${group}:${slot}`);
        const hall = Math.floor(rnd() * opts.halls);
        picks.push(this.courseId(group, hall, slot));
      }
      return picks.sort();
    });
  }

  hallId(h: number): string {
    return `H${pad(h + 1, 3)}`;
  }

  courseId(group: number, hall: number, slot: number): string {
    return `C${group}${pad(hall * SLOTS.length + slot, 4)}`;
  }

  sessionsOf(d: number): LectureSession[] {
    const dayStart = this.opts.firstDay + d * 86_400_000;
    const group = groupOfDay(d);
    const out: LectureSession[] = [];
    for (let h = 0; h < this.opts.halls; h++) {
      SLOTS.forEach(([s, e], slot) => {
        const courseId = this.courseId(group, h, slot);
        out.push({
          sessionId: `D${d}-${courseId}`,
          courseId,
          hallId: this.hallId(h),
          start: dayStart + s * MIN,
          end: dayStart + e * MIN,
        });
      });
    }
    return out;
  }

  /** One day: every student's input (with otherFaceEvents as the gateway should pass them). */
  day(d: number, now?: number): SimDay {
    const rnd = mulberry32((this.opts.seed ^ Math.imul(d + 1, 0x9e3779b1)) >>> 0);
    const dayStart = this.opts.firstDay + d * 86_400_000;
    const sessions = this.sessionsOf(d);
    const byCourse = new Map(sessions.map((s) => [s.courseId, s]));
    let seq = 0;
    const id = (): string => `d${d}e${pad(seq++, 7)}`;
    const perStudent: IdentityEvent[][] = [];
    const allFaces: IdentityEvent[] = [];
    const unknown: IdentityEvent[] = [];
    const th = this.opts.thresholds;
    const jitter = (lo: number, hi: number): number => Math.round((lo + rnd() * (hi - lo)) * MIN);

    this.studentIds.forEach((sid, i) => {
      const events: IdentityEvent[] = [];
      const pass = (
        s: LectureSession | { hallId: string },
        ts: number,
        direction: 'enter' | 'exit' | 'unknown',
        face = rnd() < 0.5,
      ): void => {
        const gateId = `${s.hallId}-G1`;
        const badge: IdentityEvent = {
          eventId: id(),
          source: 'rfid',
          studentId: sid,
          rawId: `card-${sid}`,
          gateId,
          hallId: s.hallId,
          direction,
          ts,
        };
        events.push(badge);
        if (rnd() < 0.04) events.push({ ...badge }); // replayed copy
        if (rnd() < 0.03)
          events.push({ ...badge, eventId: id(), ts: ts + Math.round(rnd() * th.debounceSec * 1000) }); // reader repeat
        if (face) {
          const f: IdentityEvent = {
            eventId: id(),
            source: 'face',
            studentId: sid,
            rawId: sid,
            gateId,
            hallId: s.hallId,
            direction: 'unknown',
            ts: ts + Math.round(rnd() * 5000),
            confidence: Math.round((0.4 + rnd() * 0.6) * 100) / 100,
            trackId: `t${seq}`,
          };
          events.push(f);
        }
      };
      for (const courseId of this.enrolled[i]!) {
        const s = byCourse.get(courseId);
        if (s === undefined) continue;
        const len = (s.end - s.start) / MIN;
        const r = rnd();
        const inAt = s.start - jitter(0, 10);
        const outAt = s.end + jitter(0, 5);
        if (r < 0.06) continue; // absent
        if (r < 0.64) {
          pass(s, inAt, 'enter');
          pass(s, outAt, 'exit');
        } else if (r < 0.76) {
          pass(s, s.start + jitter(5, 30), 'enter');
          pass(s, outAt, 'exit');
        } else if (r < 0.8) {
          pass(s, s.start + jitter(31, 45), 'enter');
          pass(s, outAt, 'exit');
        } else if (r < 0.85) {
          pass(s, inAt, 'enter');
          pass(s, s.end - jitter(11, 40), 'exit');
        } else if (r < 0.91) {
          const out = s.start + jitter(20, len - 30);
          pass(s, inAt, 'enter');
          pass(s, out, 'exit');
          pass(s, out + jitter(2, 14), 'enter');
          pass(s, outAt, 'exit');
        } else if (r < 0.94) {
          const out = s.start + jitter(15, 35);
          pass(s, inAt, 'enter');
          pass(s, out, 'exit');
          pass(s, out + jitter(16, 40), 'enter');
          pass(s, outAt, 'exit');
        } else if (r < 0.96) {
          pass(s, inAt, 'enter');
          for (let k = 0; k < 3; k++) {
            const out = s.start + (15 + k * 20) * MIN + jitter(0, 3);
            pass(s, out, 'exit');
            pass(s, out + jitter(1, 4), 'enter');
          }
          pass(s, outAt, 'exit');
        } else if (r < 0.98) {
          pass(s, inAt, 'unknown'); // entry-only reader, no exit
        } else if (r < 0.985) {
          pass(s, s.start + jitter(20, 60), 'exit'); // exit with no entry
        } else if (r < 0.99) {
          // Someone else swipes this student's card: badge only, and a stranger's known face.
          pass(s, inAt, 'enter', false);
          const other =
            this.studentIds[
              (i + 1 + Math.floor(rnd() * (this.studentIds.length - 1))) % this.studentIds.length
            ]!;
          allFaces.push({
            eventId: id(),
            source: 'face',
            studentId: other,
            rawId: other,
            gateId: `${s.hallId}-G1`,
            hallId: s.hallId,
            direction: 'unknown',
            ts: inAt + 2000,
            confidence: 0.9,
          });
          pass(s, outAt, 'exit', false);
        } else {
          // Attends, and spends 20 minutes in some hall at a time they have no lecture:
          // a free slot of theirs today (someone else's lecture), or the lunch gap (no lecture at all).
          pass(s, inAt, 'enter');
          pass(s, outAt, 'exit');
          const h = { hallId: this.hallId(Math.floor(rnd() * this.opts.halls)) };
          const busy = new Set(
            this.enrolled[i]!.map((c) => byCourse.get(c)?.start).filter((x) => x !== undefined),
          );
          const free = SLOTS.map(([a]) => dayStart + a * MIN).filter((t) => !busy.has(t));
          const t =
            rnd() < 0.5 && free.length > 0
              ? free[Math.floor(rnd() * free.length)]! + jitter(10, 30)
              : dayStart + 13 * 60 * MIN + jitter(6, 20);
          pass(h, t, 'enter');
          pass(h, t + 20 * MIN, 'exit');
        }
      }
      perStudent.push(events);
      for (const e of events) if (e.source === 'face') allFaces.push(e);
    });
    // Strangers: unknown badges and faces.
    const strangers = Math.max(1, Math.floor(this.opts.students / 50));
    for (let k = 0; k < strangers; k++) {
      const s = sessions[Math.floor(rnd() * sessions.length)]!;
      const ts = s.start - jitter(0, 10);
      const gateId = `${s.hallId}-G1`;
      const card = `FF${pad(Math.floor(rnd() * 1e6), 6)}`;
      unknown.push({
        eventId: id(),
        source: 'rfid',
        studentId: null,
        rawId: card,
        gateId,
        hallId: s.hallId,
        direction: 'enter',
        ts,
      });
      unknown.push({
        eventId: id(),
        source: 'rfid',
        studentId: null,
        rawId: card,
        gateId,
        hallId: s.hallId,
        direction: 'enter',
        ts: ts + 3000,
      });
      unknown.push({
        eventId: id(),
        source: 'face',
        studentId: null,
        rawId: 'unknown',
        gateId,
        hallId: s.hallId,
        direction: 'unknown',
        ts: ts + 1000,
        confidence: 0.3,
        trackId: `u${k}`,
      });
    }

    // otherFaceEvents the way the gateway should build them: faces no badge of their owner explains, per gate.
    const explained = unpairedFaces(
      [...perStudent.flat().filter((e) => e.source === 'rfid'), ...allFaces],
      th.pairingWindowSec,
    );
    const facesByGate = new Map<string, IdentityEvent[]>();
    for (const f of explained) {
      const list = facesByGate.get(f.gateId);
      if (list === undefined) facesByGate.set(f.gateId, [f]);
      else list.push(f);
    }
    const dayNow = now ?? dayStart + 86_400_000 - 1;
    const inputs = this.studentIds.map((sid, i): StudentDayInput => {
      const events = perStudent[i]!.filter((e) => e.ts <= dayNow);
      const others: IdentityEvent[] = [];
      const windowMs = th.pairingWindowSec * 1000;
      for (const b of events) {
        if (b.source !== 'rfid') continue;
        for (const f of facesByGate.get(b.gateId) ?? []) {
          if (f.studentId !== sid && Math.abs(f.ts - b.ts) <= windowMs && f.ts <= dayNow) others.push(f);
        }
      }
      const input: StudentDayInput = {
        studentId: sid,
        sessions,
        enrolledCourseIds: this.enrolled[i]!,
        events,
        thresholds: th,
        now: dayNow,
      };
      if (others.length > 0) input.otherFaceEvents = others;
      return input;
    });
    return { dayIndex: d, dayStart, now: dayNow, sessions, inputs, unknown };
  }
}
