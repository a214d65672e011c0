import { IMPORT_KINDS, importFile, type ImportKind } from '../importer/importData.ts';
import type { Command } from './command.ts';
import { openStore, parse, storeOptions } from './options.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'import roster, enrolments, timetable or courses from CSV/JSON',
  usage: `hallgate import roster|enrolments|timetable|courses FILE [--config FILE] [--db PATH]

  roster:     student_id,name,card_uid
  enrolments: student_id,course_id
  timetable:  session_id,course_id,hall_id,start,end[,course_name]   (ISO 8601 times with zone)
  courses:    course_id,name,overrides   (overrides: JSON object of thresholds)
JSON files are arrays of objects with the same keys. Bad rows are reported with
their line number and reason; valid rows are kept. A quote problem costs its own
line only (a quoted value must close on the line it opens on); a second row with
the same student_id (roster), session_id (timetable) or course_id (courses) is
reported and skipped. A CSV missing a required column is refused at once.
Exit 0 when all rows imported, 3 when some rows were rejected, 1 when the file
was refused.`,
  run(argv) {
    const { values, positionals } = parse(argv, storeOptions, true);
    const [kind, file] = positionals;
    if (!kind || !file || !IMPORT_KINDS.includes(kind as ImportKind)) {
      console.error(this.usage);
      return Promise.resolve(2);
    }
    const { store } = openStore(values, true);
    try {
      const report = importFile(store, kind as ImportKind, file, Date.now());
      console.log(
        `${kind}: imported ${report.imported} row(s) from ${file}, rejected ${report.errors.length}`,
      );
      for (const e of report.errors) console.error(`  ${file}:${e.line}: ${e.reason}`);
      return Promise.resolve(report.errors.length > 0 ? 3 : 0);
    } finally {
      store.close();
    }
  },
};
