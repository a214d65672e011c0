import { ATTENDANCE_STATUSES, type AttendanceStatus } from '../../rules/types.ts';
import type { Command } from './command.ts';
import { choiceOption, dayOption } from './optionChecks.ts';
import { openExistingStore, parse, storeOptions, table } from './options.ts';

const STATUSES: readonly AttendanceStatus[] = ATTENDANCE_STATUSES;

export const recordsCommand: Command = {
  name: 'records',
  summary: 'print classified attendance records with their reasons',
  usage: `hallgate records [--lecture COURSE_OR_SESSION] [--date YYYY-MM-DD] [--student ID] [--status S] [--json] [--config FILE] [--db PATH]`,
  run(argv) {
    const { values } = parse(argv, {
      ...storeOptions,
      lecture: { type: 'string' },
      date: { type: 'string' },
      student: { type: 'string' },
      status: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      console.log(this.usage);
      return Promise.resolve(0);
    }
    const day = dayOption('--date', values.date);
    const status = choiceOption('--status', values.status, STATUSES);
    const { store } = openExistingStore(values);
    try {
      const recs = store.listRecords({ lecture: values.lecture, day, studentId: values.student, status });
      if (values.json) {
        console.log(JSON.stringify(recs, null, 2));
      } else if (recs.length === 0) {
        console.log('no records');
      } else {
        console.log(
          table(
            ['day', 'session', 'student', 'status', 'min', 'v', 'flags', 'reason'],
            recs.map((r) => [
              r.day,
              r.sessionId,
              r.studentId,
              r.manual ? `${r.status}*` : r.status,
              r.minutesPresent,
              r.version,
              r.flags.join(',') || '-',
              r.explanations.map((e) => e.text).join(' | ') || '-',
            ]),
          ),
        );
        console.log(`${recs.length} record(s)${recs.some((r) => r.manual) ? '; * = manual decision' : ''}`);
      }
      return Promise.resolve(0);
    } finally {
      store.close();
    }
  },
};
