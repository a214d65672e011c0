import { HallgateError } from '../../kernel/errors.ts';
import type { ConfigData } from '../../sync/schema.ts';
import type { LocalStore } from './localStore.ts';

type Decision = ConfigData<'decisions'>[number];

export interface DecisionsOutcome {
  applied: number;
  unchanged: number;
  /** Decisions applied before and absent from this version (a withdrawn excuse): dropped and decided again. */
  withdrawn: number;
  /** Decisions that could not be applied, with the reason (unknown session, ...). */
  skipped: { studentId: string; sessionId: string; reason: string }[];
}

/** Decides a student's day again with the engine (inside the caller's transaction). */
export type Redecide = (studentId: string, day: string) => void;

/** meta key: the central decisions this gateway holds, as last applied (to notice a withdrawal). */
export const CENTRAL_DECISIONS_KEY = 'central_decisions';

interface Held {
  studentId: string;
  sessionId: string;
  status: string;
  note: string;
  by: string;
}

const keyOf = (d: { studentId: string; sessionId: string }): string => `${d.sessionId}/${d.studentId}`;

/**
 * Applies the manual decisions made centrally (excuses, review resolutions)
 * as reviewer decisions: the engine never overwrites them, and each goes up
 * as the record's next version. A decision already held (same status, note
 * and author) is left alone, so a redelivered version changes nothing; a
 * session the gateway has no record of yet gets an empty record first, then
 * the decision. One failing decision is reported and the rest still apply.
 *
 * The list is complete: a decision applied from an earlier version and missing
 * from this one was withdrawn centrally. Unless a reviewer here has changed it
 * since, it is dropped and `redecide` has the engine decide the record again
 * (its next version goes up). All in one transaction.
 */
export function applyCentralDecisions(
  store: LocalStore,
  decisions: ConfigData<'decisions'>,
  now: number,
  redecide: Redecide,
): DecisionsOutcome {
  return store.tx(() => {
    const out: DecisionsOutcome = { applied: 0, unchanged: 0, withdrawn: 0, skipped: [] };
    const held: Held[] = [];
    for (const d of decisions) {
      const result = applyOne(store, d, now);
      if (typeof result !== 'string') {
        out.skipped.push(result);
        continue;
      }
      out[result]++;
      held.push({ studentId: d.studentId, sessionId: d.sessionId, status: d.status, note: d.note, by: d.by });
    }
    const current = new Set(held.map(keyOf));
    for (const h of heldBefore(store))
      if (!current.has(keyOf(h)) && withdraw(store, h, redecide)) out.withdrawn++;
    store.setMeta(CENTRAL_DECISIONS_KEY, JSON.stringify(held));
    return out;
  });
}

function applyOne(
  store: LocalStore,
  d: Decision,
  now: number,
): 'applied' | 'unchanged' | DecisionsOutcome['skipped'][number] {
  const sessionKnown = store.timetable.sessionDay(d.sessionId) !== null;
  if (!sessionKnown || !store.studentExists(d.studentId)) {
    const reason = `unknown ${sessionKnown ? 'student' : 'session'} at this gateway`;
    return { studentId: d.studentId, sessionId: d.sessionId, reason };
  }
  const prev = store.getRecord(d.studentId, d.sessionId);
  if (prev && isHeld(prev, d)) return 'unchanged';
  try {
    if (!prev)
      store.saveRecord(
        {
          studentId: d.studentId,
          sessionId: d.sessionId,
          courseId: d.courseId,
          hallId: d.hallId,
          status: 'pending',
          minutesPresent: 0,
          intervals: [],
          flags: [],
          explanations: [],
          eventIds: [],
        },
        now,
      );
    store.resolveManually(d.studentId, d.sessionId, d.status, d.note, d.by, now);
    return 'applied';
  } catch (err) {
    const reason = err instanceof HallgateError ? err.message : String(err);
    return { studentId: d.studentId, sessionId: d.sessionId, reason };
  }
}

/** The record carries this decision (as resolveManually left it). */
function isHeld(
  rec: { manual: boolean; status: string; note?: string },
  d: Pick<Held, 'status' | 'note' | 'by'>,
): boolean {
  return rec.manual && rec.status === d.status && rec.note === `${d.note} (by ${d.by})`;
}

function heldBefore(store: LocalStore): Held[] {
  const raw = store.getMeta(CENTRAL_DECISIONS_KEY);
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Held[]) : [];
  } catch {
    return [];
  }
}

/** Drops a withdrawn central decision still in force and has the engine decide the record again. */
function withdraw(store: LocalStore, h: Held, redecide: Redecide): boolean {
  const rec = store.getRecord(h.studentId, h.sessionId);
  if (!rec || !isHeld(rec, h)) return false;
  store.dropManual(h.studentId, h.sessionId);
  redecide(h.studentId, rec.day);
  return true;
}
