import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStudentDay } from '../../rules/index.ts';
import type {
  AttendanceRecord,
  AttendanceStatus,
  IdentityEvent,
  StudentDayInput,
  Thresholds,
} from '../../rules/types.ts';
import { input, recordOf } from './factories.ts';

export interface Case {
  name: string;
  events: IdentityEvent[];
  th?: Partial<Thresholds>;
  now?: number;
  extra?: Partial<StudentDayInput>;
  status: AttendanceStatus;
  flags?: string[];
  noFlags?: string[];
  minutes?: number;
  /** Record to check (default L1). */
  sessionId?: string;
  check?: (r: AttendanceRecord) => void;
}

export function runCases(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(c.name, () => {
        const inp = input({
          events: c.events,
          ...c.extra,
          ...(c.th ? { th: c.th } : {}),
          ...(c.now !== undefined ? { now: c.now } : {}),
        });
        const r = recordOf(classifyStudentDay(inp), c.sessionId);
        assert.equal(r.status, c.status, JSON.stringify(r.explanations, null, 1));
        for (const f of c.flags ?? [])
          assert.ok(r.flags.includes(f), `flag ${f} missing in ${r.flags.join(',')}`);
        for (const f of c.noFlags ?? [])
          assert.ok(!r.flags.includes(f), `flag ${f} unexpected in ${r.flags.join(',')}`);
        if (c.minutes !== undefined) assert.equal(r.minutesPresent, c.minutes);
        assert.ok(r.explanations.some((e) => e.rule === 'status'));
        c.check?.(r);
      });
    }
  });
}
