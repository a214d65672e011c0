import { HallgateError } from '../../kernel/errors.ts';
import type { ImportKind } from './importKind.ts';
import { normaliseKey } from './readRows.ts';

/** The columns each import needs, as the usage names them. */
const REQUIRED: Record<ImportKind, string[]> = {
  roster: ['student_id'],
  enrolments: ['student_id', 'course_id'],
  timetable: ['session_id', 'course_id', 'hall_id', 'start', 'end'],
  courses: ['course_id'],
};

/** The column whose value must be unique within one file (null: none). */
const UNIQUE: Record<ImportKind, string | null> = {
  roster: 'student_id',
  enrolments: null,
  timetable: 'session_id',
  courses: 'course_id',
};

/** Rejects a CSV whose header lacks a required column: one error for the file, not one per row. */
export function checkColumns(kind: ImportKind, file: string, columns: string[]): void {
  const have = new Set(columns);
  const missing = REQUIRED[kind].filter((c) => !have.has(normaliseKey(c)));
  if (missing.length === 0) return;
  throw new HallgateError(
    'IMPORT_MISSING_COLUMN',
    `${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
  );
}

/**
 * Remembers the unique key of each imported row, so a second row with the same
 * key in one file is reported instead of silently overwriting the first.
 */
export class DuplicateKeys {
  private readonly firstLine = new Map<string, number>();
  private readonly column: string | null;

  constructor(kind: ImportKind) {
    this.column = UNIQUE[kind];
  }

  /** The reason to reject a row whose key an earlier row of the file already imported, else null. */
  check(fields: Record<string, unknown>): string | null {
    const key = this.keyOf(fields);
    const first = key === undefined ? undefined : this.firstLine.get(key);
    return first === undefined
      ? null
      : `duplicate ${this.column} ${key} (first on line ${first}); row skipped`;
  }

  /** Records an imported row's key. */
  add(fields: Record<string, unknown>, line: number): void {
    const key = this.keyOf(fields);
    if (key !== undefined && !this.firstLine.has(key)) this.firstLine.set(key, line);
  }

  private keyOf(fields: Record<string, unknown>): string | undefined {
    if (this.column === null) return undefined;
    const v = fields[normaliseKey(this.column)];
    if (typeof v === 'string') return v.trim();
    return typeof v === 'number' ? String(v) : undefined;
  }
}
