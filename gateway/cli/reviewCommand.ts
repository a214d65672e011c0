import { userInfo } from 'node:os';
import { REVIEW_STATUSES, type AttendanceStatus } from '../../rules/types.ts';
import { HallgateError } from '../../kernel/errors.ts';
import type { Command } from './command.ts';
import { choiceOption, dayOption } from './optionChecks.ts';
import { openExistingStore, parse, storeOptions, table } from './options.ts';

const STATUSES: readonly AttendanceStatus[] = REVIEW_STATUSES;

export const reviewCommand: Command = {
  name: 'review',
  summary: 'list records flagged for manual review, or resolve one (kept with who and why)',
  usage: `hallgate review list [--date YYYY-MM-DD] [--config FILE] [--db PATH]
hallgate review resolve STUDENT_ID/SESSION_ID --status STATUS --note "why" [--by NAME]
  STATUS: ${STATUSES.join(', ')}. The engine never overwrites a manual decision.`,
  run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        ...storeOptions,
        date: { type: 'string' },
        status: { type: 'string' },
        note: { type: 'string' },
        by: { type: 'string' },
      },
      true,
    );
    const [sub, target] = positionals;
    if (values.help || (sub !== 'list' && sub !== 'resolve')) {
      console.error(this.usage);
      return Promise.resolve(values.help ? 0 : 2);
    }
    const day = dayOption('--date', values.date);
    if (sub === 'resolve') choiceOption('--status', values.status ?? '', STATUSES);
    const { store } = openExistingStore(values, { write: sub === 'resolve' });
    try {
      if (sub === 'list') {
        const recs = store.listRecords({ day, status: 'review' });
        console.log(
          table(
            ['record', 'day', 'flags', 'why'],
            recs.map((r) => [
              `${r.studentId}/${r.sessionId}`,
              r.day,
              r.flags.join(',') || '-',
              r.explanations.map((e) => e.text).join(' | '),
            ]),
          ),
        );
        console.log(`${recs.length} record(s) need review`);
        return Promise.resolve(0);
      }
      const [studentId, sessionId] = (target ?? '').split('/');
      if (!studentId || !sessionId) throw new HallgateError('USAGE', 'resolve takes STUDENT_ID/SESSION_ID');
      if (!values.status || !STATUSES.includes(values.status as AttendanceStatus)) {
        throw new HallgateError('USAGE', `--status must be one of ${STATUSES.join(', ')}`);
      }
      if (!values.note) throw new HallgateError('USAGE', '--note "why" is required');
      const by = values.by ?? userInfo().username;
      const rec = store.resolveManually(
        studentId,
        sessionId,
        values.status as AttendanceStatus,
        values.note,
        by,
        Date.now(),
      );
      console.log(
        `${studentId}/${sessionId}: ${rec.status} (version ${rec.version}), by ${by}: ${values.note}`,
      );
      return Promise.resolve(0);
    } finally {
      store.close();
    }
  },
};
