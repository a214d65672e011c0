import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import type { CentralStore } from '../../sync/aggregator/centralStore.ts';
import type { RecordPayload } from '../../sync/schema.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import type { ApiDeps } from '../../sync/api/apiTypes.ts';
import { hashToken, type ApiToken } from '../../sync/api/auth.ts';
import { ApiBus } from '../../sync/api/eventBus.ts';
import { ApiMetrics } from '../../sync/api/metrics.ts';
import type { CampusStore } from '../../sync/campus/campusStore.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { record } from '../sync/fixtures/gatewayDb.ts';

export const ADMIN = 'admin-token-0123456789';
export const VIEWER = 'viewer-token-0123456789';
export const TOKENS: ApiToken[] = [
  { name: 'ann', role: 'admin', sha256: hashToken(ADMIN) },
  { name: 'vic', role: 'viewer', sha256: hashToken(VIEWER) },
];
export const H = 3_600_000;
export const D = 86_400_000;
/** Monday 2026-03-16 09:00 UTC: CS101 sessions at 09:00 on the 16th, 17th, 18th; MA201 at 11:00 on the 16th. */
export const T0 = Date.parse('2026-03-16T09:00:00Z');
/** "Now" for the API: the 18th at 12:00, after every session. */
export const NOW = T0 + 2 * D + 3 * H;

export interface Stores {
  campus: CampusStore;
  central: CentralStore;
  cleanup: () => Promise<void>;
}

/** Both central stores on SQLite in a temp dir (started, empty). */
export async function sqliteStores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-api-'));
  const central = new SqliteCentralStore(join(dir, 'central.db'));
  const campus = new SqliteCampusStore(join(dir, 'central.db'));
  await central.start();
  await campus.start();
  return {
    campus,
    central,
    cleanup: async () => {
      await campus.stop();
      await central.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const rec = (over: Partial<RecordPayload>): RecordPayload =>
  record({
    courseId: 'CS101',
    hallId: 'HALL-A',
    intervals: [],
    minutesPresent: 0,
    eventIds: [],
    explanations: [
      { rule: over.status ?? 'present', text: `rule said ${over.status}`, thresholds: {}, eventIds: [] },
    ],
    ...over,
  });

/**
 * The seeded campus: S1 Ada (card CAFE01), S2 Bob, S3 Cy; CS101 (all three,
 * 3 sessions in HALL-A), MA201 (S1, 1 session in HALL-B). Records: CS101-1
 * S1 present, S2 late, S3 review; CS101-2 S1 present, S2 absent; CS101-3 S1
 * late, S2 absent, S3 absent. MA201-1: S1 present.
 */
export async function seedCampus(s: Stores): Promise<void> {
  await s.campus.upsertStudents([
    { studentId: 'S1', name: 'Ada Lovelace', cardUids: ['CAFE01'] },
    { studentId: 'S2', name: 'Bob Byte', cardUids: ['CAFE02'] },
    { studentId: 'S3', name: 'Cy Cipher', cardUids: [] },
  ]);
  await s.campus.upsertCourses([
    { courseId: 'CS101', name: 'Programming', thresholds: { graceSec: 120 }, atRisk: null },
    { courseId: 'MA201', name: 'Analysis', thresholds: {}, atRisk: { sessions: 2, threshold: 0.9 } },
  ]);
  await s.campus.upsertEnrolments([
    { studentId: 'S1', courseId: 'CS101' },
    { studentId: 'S2', courseId: 'CS101' },
    { studentId: 'S3', courseId: 'CS101' },
    { studentId: 'S1', courseId: 'MA201' },
  ]);
  await s.campus.upsertHalls([
    { hallId: 'HALL-A', name: 'Main hall' },
    { hallId: 'HALL-B', name: 'Small hall' },
  ]);
  await s.campus.upsertSessions([
    { sessionId: 'CS101-1', courseId: 'CS101', hallId: 'HALL-A', start: T0, end: T0 + H },
    { sessionId: 'CS101-2', courseId: 'CS101', hallId: 'HALL-A', start: T0 + D, end: T0 + D + H },
    { sessionId: 'CS101-3', courseId: 'CS101', hallId: 'HALL-A', start: T0 + 2 * D, end: T0 + 2 * D + H },
    { sessionId: 'MA201-1', courseId: 'MA201', hallId: 'HALL-B', start: T0 + 2 * H, end: T0 + 3 * H },
  ]);
  await s.campus.upsertGateway({ site: 'campus', gatewayId: 'gw-1', hallIds: ['HALL-A'] });
  const day = (n: number) => new Date(T0 + n * D).toISOString().slice(0, 10);
  const iv = (n: number, lateMin = 0) => [{ from: T0 + n * D + lateMin * 60_000, to: T0 + n * D + H }];
  const records: RecordPayload[] = [
    rec({
      studentId: 'S1',
      sessionId: 'CS101-1',
      day: day(0),
      status: 'present',
      intervals: iv(0),
      minutesPresent: 60,
    }),
    rec({
      studentId: 'S2',
      sessionId: 'CS101-1',
      day: day(0),
      status: 'late',
      intervals: iv(0, 10),
      minutesPresent: 50,
      flags: ['late'],
    }),
    rec({
      studentId: 'S3',
      sessionId: 'CS101-1',
      day: day(0),
      status: 'review',
      flags: ['card_face_mismatch'],
    }),
    rec({
      studentId: 'S1',
      sessionId: 'CS101-2',
      day: day(1),
      status: 'present',
      intervals: iv(1),
      minutesPresent: 60,
    }),
    rec({ studentId: 'S2', sessionId: 'CS101-2', day: day(1), status: 'absent' }),
    rec({
      studentId: 'S1',
      sessionId: 'CS101-3',
      day: day(2),
      status: 'late',
      intervals: iv(2, 6),
      minutesPresent: 54,
    }),
    rec({ studentId: 'S2', sessionId: 'CS101-3', day: day(2), status: 'absent' }),
    rec({ studentId: 'S3', sessionId: 'CS101-3', day: day(2), status: 'absent' }),
    rec({
      studentId: 'S1',
      sessionId: 'MA201-1',
      courseId: 'MA201',
      hallId: 'HALL-B',
      day: day(0),
      status: 'present',
      minutesPresent: 60,
    }),
  ];
  await s.central.writeBatch({
    site: 'campus',
    gatewayId: 'gw-1',
    batchId: 'seed',
    receivedAt: NOW,
    events: [],
    records,
    invalid: [],
    hll: [],
    deadLetters: [],
  });
  await s.central.writeGatewayStatus({
    site: 'campus',
    gatewayId: 'gw-1',
    state: 'online',
    version: '0.1.0',
    at: NOW - 5000,
  });
}

/** API dependencies over the given stores, with a manual clock at NOW. */
export function apiDeps(s: Stores, over: Partial<ApiDeps> = {}): ApiDeps & { clock: ManualClock } {
  const clock = new ManualClock(NOW);
  return {
    campus: s.campus,
    central: s.central,
    clock,
    log: createLogger({ level: 'silent' }),
    tokens: TOKENS,
    atRiskDefault: { sessions: 3, threshold: 0.75 },
    bus: new ApiBus(),
    metrics: new ApiMetrics({ central: s.central, now: () => clock.now() }),
    ready: () => true,
    authFailures: { maxFailures: 10_000, windowMs: 60_000 },
    ...over,
  } as ApiDeps & { clock: ManualClock };
}
