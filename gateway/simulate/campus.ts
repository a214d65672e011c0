import type { LectureSession } from '../../rules/types.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import type { LocalStore, StudentRow } from '../store/localStore.ts';
import { Prng } from './prng.ts';

export interface CampusOptions {
  students: number;
  halls: number;
  courses: number;
  coursesPerStudent: number;
  /** Local day of the timetable, 'YYYY-MM-DD'. */
  day: string;
  /** The site's IANA time zone: lectures are laid out in its working hours. */
  timeZone: string;
  /** First lecture of the day, local minutes after midnight. */
  firstLectureMin: number;
  lectureMin: number;
  gapMin: number;
  seed: number;
}

export const defaultCampusOptions: CampusOptions = {
  students: 200,
  halls: 1,
  courses: 4,
  coursesPerStudent: 2,
  day: '2026-03-19',
  timeZone: 'UTC',
  firstLectureMin: 9 * 60,
  lectureMin: 90,
  gapMin: 15,
  seed: 1,
};

export interface Campus {
  halls: string[];
  students: StudentRow[];
  courses: { courseId: string; name: string }[];
  enrolments: { studentId: string; courseId: string }[];
  sessions: LectureSession[];
}

const SUBJECTS = [
  'Algorithms',
  'Databases',
  'Networks',
  'Linear Algebra',
  'Statistics',
  'Compilers',
  'Ethics',
  'Physics',
];

/**
 * A generated campus: halls, courses scheduled back to back in each hall,
 * students with 10-hex-digit card UIDs, each enrolled in a few courses.
 */
export function generateCampus(opts: Partial<CampusOptions> = {}): Campus {
  const o = { ...defaultCampusOptions, ...opts };
  const rng = new Prng(o.seed);
  const halls = Array.from(
    { length: o.halls },
    (_, i) => `HALL-${String.fromCharCode(65 + (i % 26))}${i >= 26 ? i : ''}`,
  );
  const courses = Array.from({ length: o.courses }, (_, i) => ({
    courseId: `C${String(101 + i)}`,
    name: `${SUBJECTS[i % SUBJECTS.length]!}${i >= SUBJECTS.length ? ` ${Math.floor(i / SUBJECTS.length) + 1}` : ''}`,
  }));
  const site = new SiteTime(o.timeZone);
  const sessions: LectureSession[] = courses.map((c, i) => {
    const hallId = halls[i % halls.length]!;
    const slot = Math.floor(i / halls.length);
    const startMin = o.firstLectureMin + slot * (o.lectureMin + o.gapMin);
    // Local wall times: on a daylight-saving day a lecture across the change is an hour shorter or longer.
    return {
      sessionId: `${c.courseId}-${o.day}`,
      courseId: c.courseId,
      hallId,
      start: site.instantOf(o.day, startMin),
      end: site.instantOf(o.day, startMin + o.lectureMin),
    };
  });
  const usedCards = new Set<string>();
  const students: StudentRow[] = [];
  const enrolments: { studentId: string; courseId: string }[] = [];
  for (let i = 0; i < o.students; i++) {
    const studentId = `S${String(100000 + i)}`;
    let card = rng.hex(10);
    while (usedCards.has(card)) card = rng.hex(10);
    usedCards.add(card);
    students.push({ studentId, name: `Student ${i + 1}`, cardUid: card });
    const picked = new Set<string>();
    const k = Math.min(o.coursesPerStudent, courses.length);
    while (picked.size < k) picked.add(rng.pick(courses).courseId);
    for (const courseId of [...picked].sort()) enrolments.push({ studentId, courseId });
  }
  return { halls, students, courses, enrolments, sessions };
}

/** Writes a campus into the local store (one transaction). */
export function seedStore(store: LocalStore, campus: Campus, now: number): void {
  store.tx(() => {
    for (const h of campus.halls) store.upsertHall(h);
    for (const c of campus.courses) store.upsertCourse({ ...c, overrides: {} });
    for (const s of campus.students) store.upsertStudent(s, now);
    for (const e of campus.enrolments) store.upsertEnrolment(e.studentId, e.courseId);
    for (const s of campus.sessions) store.upsertSession(s);
    store.setMeta('roster_version', String(now));
  });
}

/** CSV files of a campus, in the formats `hallgate import` reads. */
export function campusCsv(campus: Campus): { roster: string; enrolments: string; timetable: string } {
  return {
    roster:
      [
        'student_id,name,card_uid',
        ...campus.students.map((s) => `${s.studentId},${s.name},${s.cardUid ?? ''}`),
      ].join('\n') + '\n',
    enrolments:
      ['student_id,course_id', ...campus.enrolments.map((e) => `${e.studentId},${e.courseId}`)].join('\n') +
      '\n',
    timetable:
      [
        'session_id,course_id,hall_id,start,end,course_name',
        ...campus.sessions.map((s) => {
          const name = campus.courses.find((c) => c.courseId === s.courseId)?.name ?? '';
          return `${s.sessionId},${s.courseId},${s.hallId},${new Date(s.start).toISOString()},${new Date(s.end).toISOString()},${name}`;
        }),
      ].join('\n') + '\n',
  };
}
