import type { Finding, Verdict } from './finding.ts';
import type { AttendanceStatus } from './types.ts';

/**
 * Rule priority: the first verdict in this list that any rule returned wins.
 * review > absent > early_exit > partial > late; with none of them the student
 * was 'present'. Everything else a rule found stays visible as flags.
 */
export const STATUS_PRIORITY: readonly Verdict[] = ['review', 'absent', 'early_exit', 'partial', 'late'];

/** Verdicts that may be given before the session has ended; otherwise it is 'pending'. */
export const DECIDABLE_EARLY: readonly Verdict[] = ['review', 'late'];

export function decideStatus(
  findings: readonly Finding[],
  ended: boolean,
): { status: AttendanceStatus; finding: Finding } {
  const verdicts = new Set(findings.map((f) => f.verdict));
  const allowed = ended ? STATUS_PRIORITY : DECIDABLE_EARLY;
  const winner = allowed.find((v) => verdicts.has(v));
  const status: AttendanceStatus = winner ?? (ended ? 'present' : 'pending');
  const why =
    winner !== undefined
      ? `highest-priority verdict (${STATUS_PRIORITY.join(' > ')})`
      : ended
        ? 'no rule objected'
        : 'session not over: decided when it ends';
  return {
    status,
    finding: {
      rule: 'status',
      text: `${status}: ${why}`,
      thresholds: {},
      eventIds: findings
        .filter((f) => f.verdict === winner && winner !== undefined)
        .flatMap((f) => f.eventIds),
    },
  };
}
