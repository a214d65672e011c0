import { z } from 'zod';
import { thresholdOverridesSchema } from '../../kernel/thresholdSchema.ts';
import type { LocalStore } from '../store/localStore.ts';
import { checkColumns, DuplicateKeys } from './importColumns.ts';
import { IMPORT_KINDS, type ImportKind } from './importKind.ts';
import { readRows, type SourceRow } from './readRows.ts';

export { IMPORT_KINDS, type ImportKind };

export interface RowError {
  line: number;
  reason: string;
}
export interface ImportReport {
  kind: ImportKind;
  file: string;
  imported: number;
  errors: RowError[];
}

const id = z.coerce
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : - only');
/** Card UIDs as readers emit them: 4 to 20 hex/decimal digits, stored upper case. */
export const cardUidSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Fa-f]{4,20}$/, '4 to 20 hex digits')
  .transform((s) => s.toUpperCase());
const isoTime = z.coerce
  .string()
  .trim()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s),
    'an ISO 8601 time with zone, e.g. 2026-03-19T09:00:00Z',
  )
  .transform((s) => Date.parse(s));

export const rosterRow = z.object({
  studentid: id,
  name: z.coerce.string().default(''),
  carduid: cardUidSchema.optional(),
});
export const enrolmentRow = z.object({ studentid: id, courseid: id });
export const timetableRow = z
  .object({
    sessionid: id,
    courseid: id,
    hallid: id,
    start: isoTime,
    end: isoTime,
    coursename: z.coerce.string().optional(),
  })
  .refine((r) => r.end > r.start, { message: 'end must be after start', path: ['end'] });

export const courseRow = z.object({
  courseid: id,
  name: z.coerce.string().default(''),
  overrides: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return {};
      try {
        return typeof v === 'string' ? (JSON.parse(v) as unknown) : v;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'overrides must be a JSON object' });
        return z.NEVER;
      }
    })
    .pipe(thresholdOverridesSchema),
});

export function describe(err: z.ZodError): string {
  return err.issues
    .map(
      (i) =>
        `${i.path.join('.') || 'row'}: ${/received undefined|nonoptional/.test(i.message) ? 'missing' : i.message}`,
    )
    .join('; ');
}

/**
 * Imports a CSV/JSON file into the local store in one transaction. Bad rows
 * (a quote problem on their line, an invalid value, a key already imported
 * from this file) are reported with their line number and reason; valid rows
 * are kept. A CSV without a required column is refused whole, at once.
 */
export function importFile(store: LocalStore, kind: ImportKind, file: string, now: number): ImportReport {
  const { columns, rows } = readRows(file);
  if (columns) checkColumns(kind, file, columns);
  const report: ImportReport = { kind, file, imported: 0, errors: [] };
  const seenCards = new Map<string, string>();
  const keys = new DuplicateKeys(kind);
  store.tx(() => {
    for (const row of rows) {
      const reason = row.error ?? keys.check(row.fields) ?? importRow(store, kind, row, now, seenCards);
      if (reason === null) {
        report.imported++;
        keys.add(row.fields, row.line);
      } else report.errors.push({ line: row.line, reason });
    }
    if (kind === 'roster' || kind === 'enrolments') store.setMeta('roster_version', String(now));
    if (kind === 'timetable' || kind === 'courses') store.setMeta('timetable_version', String(now));
  });
  return report;
}

function importRow(
  store: LocalStore,
  kind: ImportKind,
  row: SourceRow,
  now: number,
  seenCards: Map<string, string>,
): string | null {
  if (row.fields.__extra) return 'more fields than the header names';
  switch (kind) {
    case 'roster': {
      const r = rosterRow.safeParse(row.fields);
      if (!r.success) return describe(r.error);
      const { studentid, name, carduid } = r.data;
      if (carduid) {
        const holder = seenCards.get(carduid) ?? store.studentByCard(carduid);
        if (holder !== undefined && holder !== studentid)
          return `card_uid ${carduid} already belongs to student ${holder}`;
        seenCards.set(carduid, studentid);
      }
      store.upsertStudent({ studentId: studentid, name, cardUid: carduid ?? null }, now);
      return null;
    }
    case 'enrolments': {
      const r = enrolmentRow.safeParse(row.fields);
      if (!r.success) return describe(r.error);
      if (!store.studentExists(r.data.studentid))
        return `unknown student ${r.data.studentid} (import the roster first)`;
      if (!store.courseExists(r.data.courseid))
        store.upsertCourse({ courseId: r.data.courseid, name: '', overrides: {} });
      store.upsertEnrolment(r.data.studentid, r.data.courseid);
      return null;
    }
    case 'timetable': {
      const r = timetableRow.safeParse(row.fields);
      if (!r.success) return describe(r.error);
      const t = r.data;
      if (!store.courseExists(t.courseid) || t.coursename)
        store.upsertCourse({ courseId: t.courseid, name: t.coursename ?? '', overrides: {} });
      store.upsertHall(t.hallid);
      store.upsertSession({
        sessionId: t.sessionid,
        courseId: t.courseid,
        hallId: t.hallid,
        start: t.start,
        end: t.end,
      });
      return null;
    }
    case 'courses': {
      const r = courseRow.safeParse(row.fields);
      if (!r.success) return describe(r.error);
      store.upsertCourse({ courseId: r.data.courseid, name: r.data.name, overrides: r.data.overrides });
      return null;
    }
  }
}
