import type { z } from 'zod';
import {
  courseRow,
  describe as describeRow,
  enrolmentRow,
  rosterRow,
  timetableRow,
  type ImportKind,
  type RowError,
} from '../../gateway/importer/importData.ts';
import { rowsFromText, type SourceRow } from '../../gateway/importer/readRows.ts';
import { checkColumns } from '../../gateway/importer/importColumns.ts';
import type { CampusCourse, CampusSession, CampusStore, CampusStudent } from './campusStore.ts';

export interface CampusImportReport {
  kind: ImportKind;
  imported: number;
  /** Bad rows with their line number (CSV: the header is line 1; JSON: the item's 1-based index). */
  errors: RowError[];
}

/**
 * Imports an uploaded CSV or JSON text into the campus store, with the same
 * row validators and row-level error reporting as the gateway's importer
 * (gateway/importer): each bad row is reported with its line and reason, the
 * good rows are kept and written together. A text that is not CSV/JSON at
 * all throws a HallgateError (IMPORT_PARSE).
 */
export async function importCampus(
  store: CampusStore,
  kind: ImportKind,
  text: string,
  name: string,
): Promise<CampusImportReport> {
  const { columns, rows } = rowsFromText(text, name);
  if (columns) checkColumns(kind, name, columns);
  const report: CampusImportReport = { kind, imported: 0, errors: [] };
  const ok = (): void => void report.imported++;
  const bad = (row: SourceRow, reason: string): void => void report.errors.push({ line: row.line, reason });
  switch (kind) {
    case 'roster':
      await importRoster(store, rows, ok, bad);
      break;
    case 'enrolments':
      await importEnrolments(store, rows, ok, bad);
      break;
    case 'timetable':
      await importTimetable(store, rows, ok, bad);
      break;
    case 'courses':
      await importCourses(store, rows, ok, bad);
      break;
  }
  return report;
}

type Ok = () => void;
type Bad = (row: SourceRow, reason: string) => void;

/** The row's data, or null after reporting why it is bad (as the gateway importer words it). */
function valid<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: z.ZodError } },
  row: SourceRow,
  bad: Bad,
): T | null {
  if (row.error !== undefined) {
    bad(row, row.error);
    return null;
  }
  if (row.fields.__extra) {
    bad(row, 'more fields than the header names');
    return null;
  }
  const r = schema.safeParse(row.fields);
  if (r.success) return r.data;
  bad(row, describeRow(r.error));
  return null;
}

async function importRoster(store: CampusStore, rows: SourceRow[], ok: Ok, bad: Bad): Promise<void> {
  const seenCards = new Map<string, string>();
  const out = new Map<string, CampusStudent>();
  for (const row of rows) {
    const data = valid(rosterRow, row, bad);
    if (!data) continue;
    const { studentid, name, carduid } = data;
    if (carduid) {
      const holder = seenCards.get(carduid) ?? (await store.studentByCard(carduid));
      if (holder !== null && holder !== studentid) {
        bad(row, `card_uid ${carduid} already belongs to student ${holder}`);
        continue;
      }
      seenCards.set(carduid, studentid);
    }
    // A student on several rows holds every card of them (one card a row); the last name wins.
    const cards = new Set(out.get(studentid)?.cardUids ?? []);
    if (carduid) cards.add(carduid);
    out.set(studentid, { studentId: studentid, name, cardUids: [...cards].sort() });
    ok();
  }
  await store.upsertStudents([...out.values()]);
}

async function importEnrolments(store: CampusStore, rows: SourceRow[], ok: Ok, bad: Bad): Promise<void> {
  const known = new Map<string, boolean>();
  const courses = new Set((await store.courses()).map((c) => c.courseId));
  const newCourses = new Set<string>();
  const out: { studentId: string; courseId: string }[] = [];
  for (const row of rows) {
    const data = valid(enrolmentRow, row, bad);
    if (!data) continue;
    const { studentid, courseid } = data;
    let exists = known.get(studentid);
    if (exists === undefined) known.set(studentid, (exists = (await store.student(studentid)) !== null));
    if (!exists) {
      bad(row, `unknown student ${studentid} (import the roster first)`);
      continue;
    }
    if (!courses.has(courseid)) newCourses.add(courseid);
    out.push({ studentId: studentid, courseId: courseid });
    ok();
  }
  await store.upsertCourses(
    [...newCourses].map((courseId) => ({ courseId, name: '', thresholds: {}, atRisk: null })),
  );
  await store.upsertEnrolments(out);
}

async function importTimetable(store: CampusStore, rows: SourceRow[], ok: Ok, bad: Bad): Promise<void> {
  const courses = new Map((await store.courses()).map((c) => [c.courseId, c]));
  const touched = new Map<string, CampusCourse>();
  const halls = new Set<string>();
  const sessions: Omit<CampusSession, 'day'>[] = [];
  for (const row of rows) {
    const data = valid(timetableRow, row, bad);
    if (!data) continue;
    const t = data;
    const prev = touched.get(t.courseid) ?? courses.get(t.courseid);
    if (!prev || t.coursename)
      touched.set(t.courseid, {
        courseId: t.courseid,
        name: t.coursename ?? prev?.name ?? '',
        thresholds: prev?.thresholds ?? {},
        atRisk: prev?.atRisk ?? null,
      });
    halls.add(t.hallid);
    sessions.push({
      sessionId: t.sessionid,
      courseId: t.courseid,
      hallId: t.hallid,
      start: t.start,
      end: t.end,
    });
    ok();
  }
  await store.upsertCourses([...touched.values()]);
  await store.upsertHalls([...halls].map((hallId) => ({ hallId, name: '' })));
  await store.upsertSessions(sessions);
}

async function importCourses(store: CampusStore, rows: SourceRow[], ok: Ok, bad: Bad): Promise<void> {
  const courses = new Map((await store.courses()).map((c) => [c.courseId, c]));
  const out = new Map<string, CampusCourse>();
  for (const row of rows) {
    const data = valid(courseRow, row, bad);
    if (!data) continue;
    const { courseid, name, overrides } = data;
    out.set(courseid, {
      courseId: courseid,
      name,
      thresholds: overrides,
      atRisk: courses.get(courseid)?.atRisk ?? null,
    });
    ok();
  }
  await store.upsertCourses([...out.values()]);
}
