import type { Cell, ReportTable } from '../reports/reportTable.ts';
import type { CourseRegister, SessionRegister } from './campusQueries.ts';
import { STATUS_SYMBOL } from './registers.ts';

/** 'MM-DD HH:MM' (UTC) of a session start: a course register's column heading. */
export function sessionHeading(start: number): string {
  return new Date(start).toISOString().slice(5, 16).replace('T', ' ');
}

/**
 * A course register as a report table: one row per student, one column per
 * session holding its status symbol (P present, L late, A absent, E excused,
 * X early exit, H partial, R review, U unauthorized, . pending), then the
 * counts and the rate (present + late) / (sessions - excused).
 */
export function courseRegisterTable(reg: CourseRegister): ReportTable {
  const sessionCols = reg.sessions.map((s, i) => ({ key: `s${i}`, header: sessionHeading(s.start) }));
  return {
    id: `register-${reg.course.courseId}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 31),
    title: `Course register ${reg.course.courseId}${reg.course.name ? ` ${reg.course.name}` : ''}`,
    description: `Sessions ${reg.from} to ${reg.to}. P present, L late, A absent, E excused, X early exit, H partial, R review, U unauthorized, . pending. Rate = (present + late) / (sessions - excused).`,
    columns: [
      { key: 'studentId', header: 'Student' },
      { key: 'name', header: 'Name' },
      ...sessionCols,
      { key: 'present', header: 'Present' },
      { key: 'late', header: 'Late' },
      { key: 'excused', header: 'Excused' },
      { key: 'absent', header: 'Absent' },
      { key: 'rate', header: 'Rate' },
    ],
    rows: reg.rows.map((r) => {
      const row: Record<string, Cell> = {
        studentId: r.studentId,
        name: r.name,
        present: r.present,
        late: r.late,
        excused: r.excused,
        absent: r.absent,
        rate: r.rate,
      };
      r.statuses.forEach((s, i) => (row[`s${i}`] = STATUS_SYMBOL[s]));
      return row;
    }),
  };
}

/** A session register as a report table. */
export function sessionRegisterTable(reg: SessionRegister): ReportTable {
  return {
    id: `session-${reg.session.sessionId}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 31),
    title: `Session register ${reg.session.sessionId}${reg.course?.name ? ` ${reg.course.name}` : ''}`,
    description: `${reg.session.courseId} in ${reg.session.hallId}, ${new Date(reg.session.start).toISOString()} to ${new Date(reg.session.end).toISOString()}.`,
    columns: [
      { key: 'studentId', header: 'Student' },
      { key: 'name', header: 'Name' },
      { key: 'status', header: 'Status' },
      { key: 'minutesPresent', header: 'Minutes' },
      { key: 'arrival', header: 'Arrival (UTC)' },
      { key: 'flags', header: 'Flags' },
      { key: 'why', header: 'Why' },
    ],
    rows: reg.rows.map((r) => ({
      studentId: r.studentId,
      name: r.name,
      status: r.status,
      minutesPresent: r.minutesPresent,
      arrival: r.arrival === null ? null : new Date(r.arrival).toISOString().slice(11, 19),
      flags: r.flags.join(' '),
      why: r.explanations.join(' | '),
    })),
  };
}

/** Adds a Name column after every Student column of a report (the seed analytics, with names). */
export function withNames(t: ReportTable, names: ReadonlyMap<string, string>): ReportTable {
  const i = t.columns.findIndex((c) => c.key === 'studentId');
  if (i < 0) return t;
  return {
    ...t,
    columns: [...t.columns.slice(0, i + 1), { key: 'name', header: 'Name' }, ...t.columns.slice(i + 1)],
    rows: t.rows.map((r) => ({ ...r, name: names.get(String(r.studentId)) ?? '' })),
  };
}
