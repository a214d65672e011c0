/** A row of `attendance_records` as SQLite returns it (JSON columns still as text). */
export interface RecordRow {
  student_id: string;
  session_id: string;
  course_id: string;
  hall_id: string;
  day: string;
  version: number;
  status: string;
  minutes_present: number;
  flags: string;
  explanations: string;
  event_ids: string;
  intervals: string;
  fingerprint: string;
  decided_at: number;
}
