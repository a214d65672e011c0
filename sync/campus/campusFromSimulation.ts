import type { Campus } from '../../gateway/simulate/campus.ts';
import type { CampusStore } from './campusStore.ts';

/** Writes a generated campus (the demo's) into the central campus store, its gateway serving every hall. */
export async function seedCampusStore(
  store: CampusStore,
  campus: Campus,
  gateway: { site: string; gatewayId: string },
): Promise<void> {
  await store.upsertStudents(
    campus.students.map((s) => ({
      studentId: s.studentId,
      name: s.name,
      cardUids: s.cardUid ? [s.cardUid] : [],
    })),
  );
  await store.upsertCourses(campus.courses.map((c) => ({ ...c, thresholds: {}, atRisk: null })));
  await store.upsertEnrolments(campus.enrolments);
  await store.upsertHalls(campus.halls.map((hallId) => ({ hallId, name: '' })));
  await store.upsertSessions(campus.sessions);
  await store.upsertGateway({ ...gateway, hallIds: [...campus.halls] });
}
