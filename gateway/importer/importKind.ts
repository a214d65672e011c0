/** What `hallgate import` and the central API's import route accept. */
export type ImportKind = 'roster' | 'enrolments' | 'timetable' | 'courses';
export const IMPORT_KINDS: ImportKind[] = ['roster', 'enrolments', 'timetable', 'courses'];
