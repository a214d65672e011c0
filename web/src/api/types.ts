// Shapes of the API's answers the console reads (see /api/v1/openapi.json).

export type Status =
  | 'present'
  | 'late'
  | 'absent'
  | 'early_exit'
  | 'partial'
  | 'unauthorized'
  | 'review'
  | 'pending'
  | 'excused';

export const DECISION_STATUSES = [
  'present',
  'late',
  'absent',
  'early_exit',
  'partial',
  'unauthorized',
] as const;

export interface Session {
  sessionId: string;
  courseId: string;
  hallId: string;
  start: number;
  end: number;
  day: string;
}
export interface Course {
  courseId: string;
  name: string;
  thresholds: Record<string, unknown>;
  atRisk: { sessions: number; threshold: number } | null;
}
export interface Hall {
  hallId: string;
  name: string;
}
export interface Student {
  studentId: string;
  name: string;
  cardUids: string[];
}
export interface RegisterRow {
  studentId: string;
  name: string;
  status: Status;
  minutesPresent: number;
  arrival: number | null;
  flags: string[];
  explanations: string[];
  version: number | null;
  manual: boolean;
}
export interface SessionRegister {
  session: Session;
  course: Course | null;
  rows: RegisterRow[];
}
export interface RateCounts {
  sessions: number;
  present: number;
  late: number;
  excused: number;
  absent: number;
  rate: number | null;
}
export interface CourseRegisterRow extends RateCounts {
  studentId: string;
  name: string;
  statuses: Status[];
  symbols: string;
}
export interface CourseRegister {
  course: Course;
  from: string;
  to: string;
  sessions: Session[];
  rows: CourseRegisterRow[];
}
export interface StudentRecord {
  studentId: string;
  sessionId: string;
  courseId: string;
  hallId: string;
  day: string;
  status: Status;
  minutesPresent: number;
  flags: string[];
  explanations: { rule: string; text: string }[];
  manual: boolean;
  note?: string;
  gatewayId: string;
}
export interface StudentView {
  student: Student;
  courses: (RateCounts & { courseId: string; name: string })[];
  records: StudentRecord[];
}
export interface Gateway {
  site: string;
  gatewayId: string;
  hallIds: string[];
  state: 'online' | 'offline' | null;
  version: string | null;
  lastSeen: number | null;
  health: Record<string, unknown> | null;
}
export interface ReviewItem {
  studentId: string;
  name: string;
  sessionId: string;
  courseId: string;
  day: string;
  flags: string[];
  explanations: string[];
  version: number;
}
export interface AtRisk {
  courseId: string;
  policy: { sessions: number; threshold: number };
  sessionIds: string[];
  students: { studentId: string; name: string; rate: number | null; atRisk: boolean }[];
}
export interface Delivery {
  id: string;
  event: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}
export type Cell = string | number | null;
export interface ReportTable {
  id: string;
  title: string;
  description: string;
  columns: { key: string; header: string }[];
  rows: Record<string, Cell>[];
}
export interface ImportReport {
  kind: string;
  imported: number;
  errors: { line: number; reason: string }[];
}
export interface SwipeEvent {
  eventId: string;
  gatewayId: string;
  source: 'rfid' | 'face';
  studentId: string | null;
  gateId: string;
  hallId: string;
  direction: string;
  ts: number;
  lectureId: string | null;
}
export interface InvalidEvent {
  gatewayId: string;
  gateId: string;
  reason: string;
  ts: number;
}
