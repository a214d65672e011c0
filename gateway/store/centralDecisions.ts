import { HallgateError } from '../../kernel/errors.ts';
import type { ConfigData } from '../../sync/schema.ts';
import type { LocalStore } from './localStore.ts';

export interface DecisionsOutcome {
  applied: number;
  unchanged: number;
  /** Decisions that could not be applied, with the reason (unknown session, ...). */
  skipped: { studentId: string; sessionId: string; reason: string }[];
}

/**
 * Applies the manual decisions made centrally (excuses, review resolutions)
 * as reviewer decisions: the engine never overwrites them, and each goes up
 * as the record's next version. A decision already held (same status, note
 * and author) is left alone, so a redelivered version changes nothing; a
 * session the gateway has no record of yet gets an empty record first, then
 * the decision. One failing decision is reported and the rest still apply.
 */
export function applyCentralDecisions(
  store: LocalStore,
  decisions: ConfigData<'decisions'>,
  now: number,
): DecisionsOutcome {
  const out: DecisionsOutcome = { applied: 0, unchanged: 0, skipped: [] };
  const sessionKnown = store.db.prepare<[string], { ok: number }>(
    'SELECT 1 AS ok FROM lecture_sessions WHERE session_id = ?',
  );
  for (const d of decisions) {
    if (!sessionKnown.get(d.sessionId) || !store.studentExists(d.studentId)) {
      const reason = `unknown ${sessionKnown.get(d.sessionId) ? 'student' : 'session'} at this gateway`;
      out.skipped.push({ studentId: d.studentId, sessionId: d.sessionId, reason });
      continue;
    }
    const note = d.note;
    const prev = store.getRecord(d.studentId, d.sessionId);
    if (prev?.manual && prev.status === d.status && prev.note === `${note} (by ${d.by})`) {
      out.unchanged++;
      continue;
    }
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
      store.resolveManually(d.studentId, d.sessionId, d.status, note, d.by, now);
      out.applied++;
    } catch (err) {
      const reason = err instanceof HallgateError ? err.message : String(err);
      out.skipped.push({ studentId: d.studentId, sessionId: d.sessionId, reason });
    }
  }
  return out;
}
