import type { Direction } from '../../rules/types.ts';
import type { Campus } from './campus.ts';
import { Prng } from './prng.ts';

export interface BehaviourOptions {
  /** Fraction of enrolled students who arrive late (after grace). */
  latePct: number;
  /** Fraction who never come. */
  absentPct: number;
  /** Fraction who leave early and do not return. */
  earlyExitPct: number;
  /** Fraction who take a short break and return. */
  breakPct: number;
  /** Unknown cards, as a fraction of all swipes. */
  invalidPct: number;
  /** Fraction of students who walk into a session that is not theirs. */
  unauthorizedPct: number;
  /** Grace and absent-after, seconds (to place arrivals in the right band). */
  graceSec: number;
  absentAfterSec: number;
  earlyExitSec: number;
  seed: number;
}

export const defaultBehaviour: BehaviourOptions = {
  latePct: 0.15,
  absentPct: 0.05,
  earlyExitPct: 0.05,
  breakPct: 0.05,
  invalidPct: 0.02,
  unauthorizedPct: 0.01,
  graceSec: 300,
  absentAfterSec: 1800,
  earlyExitSec: 600,
  seed: 1,
};

export interface PlannedSwipe {
  ts: number;
  uid: string;
  hallId: string;
  gateId: string;
  direction: Direction;
  /** What the simulator meant (for the demo's output and tests), never used by the daemon. */
  intent: 'on_time' | 'late' | 'early_exit' | 'break' | 'return' | 'leave' | 'unknown_card' | 'unauthorized';
  studentId: string | null;
}

/** Gate naming of simulated halls: one entry and one exit reader per hall. */
export function gatesOf(hallId: string): { enter: string; exit: string } {
  return { enter: `${hallId}-IN`, exit: `${hallId}-OUT` };
}

const MIN = 60_000;

/**
 * The day's swipes for a campus, sorted by time: arrivals on time or late,
 * breaks, early exits, absences, unknown cards and visits to the wrong hall,
 * in the proportions asked for, reproducible from the seed.
 */
export function planSwipes(campus: Campus, opts: Partial<BehaviourOptions> = {}): PlannedSwipe[] {
  const o = { ...defaultBehaviour, ...opts };
  const rng = new Prng(o.seed ^ 0x5eed);
  const out: PlannedSwipe[] = [];
  const cardOf = new Map(campus.students.map((s) => [s.studentId, s.cardUid ?? '']));
  const sessionsByCourse = new Map(campus.sessions.map((s) => [s.courseId, s]));
  const push = (
    ts: number,
    uid: string,
    hallId: string,
    direction: 'enter' | 'exit',
    intent: PlannedSwipe['intent'],
    studentId: string | null,
  ): void => {
    const g = gatesOf(hallId);
    out.push({
      ts,
      uid,
      hallId,
      gateId: direction === 'enter' ? g.enter : g.exit,
      direction,
      intent,
      studentId,
    });
  };
  for (const e of campus.enrolments) {
    const s = sessionsByCourse.get(e.courseId);
    const uid = cardOf.get(e.studentId);
    if (!s || !uid) continue;
    if (rng.chance(o.absentPct)) continue;
    const late = rng.chance(o.latePct / (1 - o.absentPct));
    const arrive = late
      ? s.start + rng.int(o.graceSec + 60, o.absentAfterSec - 60) * 1000
      : s.start + rng.int(-10 * 60, o.graceSec - 30) * 1000;
    push(arrive, uid, s.hallId, 'enter', late ? 'late' : 'on_time', e.studentId);
    const r = rng.next();
    if (r < o.earlyExitPct) {
      push(
        s.end - (o.earlyExitSec + rng.int(60, 30 * 60)) * 1000,
        uid,
        s.hallId,
        'exit',
        'early_exit',
        e.studentId,
      );
      continue;
    }
    if (r < o.earlyExitPct + o.breakPct) {
      const out1 = Math.max(arrive + 10 * MIN, s.start + rng.int(30, 50) * MIN);
      push(out1, uid, s.hallId, 'exit', 'break', e.studentId);
      push(out1 + rng.int(3, 8) * MIN, uid, s.hallId, 'enter', 'return', e.studentId);
    }
    push(s.end + rng.int(0, 5 * 60) * 1000, uid, s.hallId, 'exit', 'leave', e.studentId);
  }
  // Students who walk into a session that is not one of theirs.
  const enrolled = new Map<string, Set<string>>();
  for (const e of campus.enrolments)
    enrolled.set(e.studentId, (enrolled.get(e.studentId) ?? new Set()).add(e.courseId));
  for (const st of campus.students) {
    if (!rng.chance(o.unauthorizedPct) || !st.cardUid) continue;
    const foreign = campus.sessions.filter((s) => !enrolled.get(st.studentId)?.has(s.courseId));
    if (foreign.length === 0) continue;
    const s = rng.pick(foreign);
    const t = s.start + rng.int(0, 20) * MIN;
    push(t, st.cardUid, s.hallId, 'enter', 'unauthorized', st.studentId);
    push(t + rng.int(5, 20) * MIN, st.cardUid, s.hallId, 'exit', 'unauthorized', st.studentId);
  }
  // Unknown cards.
  const valid = out.length;
  const nInvalid = Math.round((valid * o.invalidPct) / Math.max(1 - o.invalidPct, 0.01));
  const known = new Set(campus.students.map((s) => s.cardUid));
  for (let i = 0; i < nInvalid && campus.sessions.length > 0; i++) {
    const s = rng.pick(campus.sessions);
    let uid = rng.hex(10);
    while (known.has(uid)) uid = rng.hex(10);
    push(s.start + rng.int(-10, 30) * MIN, uid, s.hallId, 'enter', 'unknown_card', null);
  }
  out.sort((a, b) => a.ts - b.ts || a.uid.localeCompare(b.uid));
  return out;
}
