import { z } from 'zod';
import { excuseCovers } from '../../campus/registers.ts';
import { studentsOf } from '../../campus/campusQueries.ts';
import {
  authErrors,
  campusContext,
  daySchema,
  idSchema,
  notFound,
  readErrors,
  type ApiApp,
  type ApiDeps,
} from '../apiTypes.ts';
import { decisionSchema, decisionStatusEnum, reviewItemSchema } from '../schemas.ts';

const DAY_MS = 86_400_000;

/** The review queue: the gateways' 'review' records not yet decided centrally, and resolving them. */
export function reviewRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/review',
    {
      schema: {
        summary:
          'Records the gateways flagged for review (card/face mismatch, ambiguous) with no central decision',
        tags: ['review'],
        querystring: z.object({ from: daySchema.optional(), to: daySchema.optional() }),
        response: { 200: z.array(reviewItemSchema), ...readErrors },
      },
    },
    async (req) => {
      const now = deps.clock.now();
      const from = req.query.from ?? deps.site.dayOf(now - 30 * DAY_MS);
      const to = req.query.to ?? deps.site.dayOf(now);
      const flagged = (await deps.central.recordsByDayRange(from, to)).filter((r) => r.status === 'review');
      const decided = new Set((await deps.campus.decisions()).map((d) => `${d.studentId}/${d.sessionId}`));
      const excuses = await deps.campus.excuses();
      const open = flagged.filter(
        (r) =>
          !decided.has(`${r.studentId}/${r.sessionId}`) &&
          !excuses.some((e) => excuseCovers(e, r.studentId, { sessionId: r.sessionId, day: r.day })),
      );
      const names = new Map(
        (await studentsOf(campusContext(deps), [...new Set(open.map((r) => r.studentId))])).map((s) => [
          s.studentId,
          s.name,
        ]),
      );
      return open.map((r) => ({
        studentId: r.studentId,
        name: names.get(r.studentId) ?? '',
        sessionId: r.sessionId,
        courseId: r.courseId,
        day: r.day,
        flags: r.flags,
        explanations: r.explanations.map((x) => x.text),
        version: r.version,
      }));
    },
  );
  app.post(
    '/api/v1/review/:studentId/:sessionId',
    {
      schema: {
        summary: 'Resolve a record centrally (a manual decision the gateway engine never overwrites)',
        tags: ['review'],
        params: z.object({ studentId: idSchema, sessionId: idSchema }),
        body: z.object({
          status: decisionStatusEnum,
          reason: z.string().trim().min(1, 'a reason is required').max(2000),
        }),
        response: { 200: decisionSchema, ...authErrors, 404: readErrors[404] },
      },
    },
    async (req, reply) => {
      const { studentId, sessionId } = req.params;
      const rec = (await deps.central.recordsBySession(sessionId)).find((r) => r.studentId === studentId);
      if (!rec)
        return reply.code(404).send(notFound(`record of student ${studentId} in session ${sessionId}`));
      const d = {
        studentId,
        sessionId,
        status: req.body.status,
        reason: req.body.reason,
        author: req.apiToken?.name ?? 'unknown',
        decidedAt: deps.clock.now(),
      };
      await deps.campus.putDecision(d);
      deps.bus.publish({ type: 'campus', data: { change: 'review' } });
      await deps.publisher?.publish(['decisions']);
      await deps.atRisk?.check([rec.courseId]);
      return d;
    },
  );
}
