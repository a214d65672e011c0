import { randomUUID } from 'node:crypto';
import type { Logger } from '../../kernel/log.ts';
import { atRiskOf, type CampusContext } from './campusQueries.ts';
import type { WebhookDispatcher } from './webhookDispatcher.ts';

export const AT_RISK_EVENT = 'at-risk.changed';

/**
 * Recomputes at-risk states per course and, for each student whose state
 * changed (first seen at risk counts as a change; first seen fine does not),
 * stores the new state and queues one webhook delivery:
 * `{event, courseId, studentId, name, atRisk, rate, policy, sessionIds, at}`.
 */
export class AtRiskWatcher {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: CampusContext,
    private readonly deps: { webhook: WebhookDispatcher | null; log: Logger },
  ) {}

  /** Checks the given courses (default: every course); checks run one at a time. */
  check(courseIds?: readonly string[]): Promise<void> {
    const run = this.chain.then(() => this.checkNow(courseIds));
    this.chain = run.catch((err: unknown) => this.deps.log.error({ err }, 'at-risk check failed'));
    return run;
  }

  private async checkNow(courseIds?: readonly string[]): Promise<void> {
    const ids = courseIds ?? (await this.ctx.campus.courses()).map((c) => c.courseId);
    const now = this.ctx.clock.now();
    for (const courseId of ids) {
      const report = await atRiskOf(this.ctx, courseId);
      if (!report) continue;
      const before = new Map((await this.ctx.campus.atRiskStates(courseId)).map((s) => [s.studentId, s]));
      for (const s of report.students) {
        const prev = before.get(s.studentId);
        if (prev?.atRisk === s.atRisk && prev.rate === s.rate) continue;
        await this.ctx.campus.putAtRisk({
          courseId,
          studentId: s.studentId,
          atRisk: s.atRisk,
          rate: s.rate,
          changedAt: now,
        });
        if ((prev?.atRisk ?? false) === s.atRisk || !this.deps.webhook) continue;
        const body = JSON.stringify({
          event: AT_RISK_EVENT,
          courseId,
          studentId: s.studentId,
          name: s.name,
          atRisk: s.atRisk,
          rate: s.rate,
          policy: report.policy,
          sessionIds: report.sessionIds,
          at: now,
        });
        await this.deps.webhook.enqueue(randomUUID(), AT_RISK_EVENT, body);
      }
    }
  }
}
