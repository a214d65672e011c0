import type { Thresholds } from '../../rules/types.ts';
import type { LocalStore } from './localStore.ts';

/**
 * Sets the per-course threshold overrides the centre published, in one
 * transaction: each listed course gets exactly its overrides (`{}`: none; a
 * course not held yet is created without a name), courses not listed keep
 * theirs. The rule engine reads them per session of the course
 * (rules/timetable.ts); the caches are dropped so the next decision, on this
 * connection or the classifier thread's, uses them.
 */
export function applyCourseOverrides(
  store: LocalStore,
  courses: Readonly<Record<string, Partial<Thresholds>>>,
): void {
  store.tx(() => {
    for (const [courseId, overrides] of Object.entries(courses))
      store.roster.setCourseOverrides(courseId, overrides);
    store.clearCaches();
  });
}
