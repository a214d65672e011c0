import { z } from 'zod';
import {
  authErrors,
  daySchema,
  idSchema,
  notFound,
  readErrors,
  type ApiApp,
  type ApiDeps,
} from '../apiTypes.ts';
import { excuseSchema, withdrawnExcuseSchema } from '../schemas.ts';

const excuseBody = z
  .object({
    studentId: idSchema,
    sessionId: idSchema.optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
  })
  .superRefine((b, ctx) => {
    if (b.sessionId === undefined && (b.from === undefined || b.to === undefined))
      ctx.addIssue({ code: 'custom', path: ['sessionId'], message: 'give sessionId, or from and to' });
    if (b.sessionId !== undefined && (b.from !== undefined || b.to !== undefined))
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'give sessionId or a day range, not both' });
    if (b.from !== undefined && b.to !== undefined && b.from > b.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must not be before from' });
  });

/** Excused absences: one session, or every session of a student in a day range. */
export function excuseRoutes(app: ApiApp, deps: ApiDeps): void {
  excuseReadRoutes(app, deps);
  app.post(
    '/api/v1/excuses',
    {
      schema: {
        summary:
          'Excuse a student for one session or a day range (reason required; flows down as a manual decision)',
        tags: ['excuses'],
        body: excuseBody,
        response: { 201: excuseSchema, ...authErrors, 404: readErrors[404] },
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (!(await deps.campus.student(b.studentId)))
        return reply.code(404).send(notFound(`student ${b.studentId}`));
      let fromDay = b.from ?? '';
      let toDay = b.to ?? '';
      if (b.sessionId !== undefined) {
        const s = await deps.campus.session(b.sessionId);
        if (!s) return reply.code(404).send(notFound(`session ${b.sessionId}`));
        fromDay = toDay = s.day;
      }
      const e = await deps.campus.addExcuse({
        studentId: b.studentId,
        sessionId: b.sessionId ?? null,
        fromDay,
        toDay,
        reason: b.reason,
        author: req.apiToken?.name ?? 'unknown',
        createdAt: deps.clock.now(),
      });
      deps.bus.publish({ type: 'campus', data: { change: 'excuse' } });
      await deps.publisher?.publish(['decisions']);
      await deps.atRisk?.check(await deps.campus.enrolledCourses(b.studentId));
      return reply.code(201).send(e);
    },
  );
  app.delete(
    '/api/v1/excuses/:id',
    {
      schema: {
        summary:
          'Withdraw an excuse (reason required; kept with who and when): gateways drop it and decide the records again',
        tags: ['excuses'],
        params: z.object({ id: z.uuid() }),
        querystring: z.object({
          reason: z.string().trim().min(1, 'a reason is required').max(2000),
        }),
        response: { 204: z.null(), ...authErrors, 404: readErrors[404] },
      },
    },
    async (req, reply) => {
      const e = await deps.campus.excuse(req.params.id);
      const withdrawal = {
        reason: req.query.reason,
        author: req.apiToken?.name ?? 'unknown',
        at: deps.clock.now(),
      };
      if (!e || !(await deps.campus.withdrawExcuse(req.params.id, withdrawal)))
        return reply.code(404).send(notFound('excuse'));
      deps.bus.publish({ type: 'campus', data: { change: 'excuse' } });
      await deps.publisher?.publish(['decisions']);
      await deps.atRisk?.check(await deps.campus.enrolledCourses(e.studentId));
      return reply.code(204).send(null);
    },
  );
}

/** GET /api/v1/excuses, /excuses/withdrawn and /excuses/{id}. */
function excuseReadRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/excuses',
    {
      schema: {
        summary: 'Excuses, optionally of one student',
        tags: ['excuses'],
        querystring: z.object({ student: idSchema.optional() }),
        response: { 200: z.array(excuseSchema), ...readErrors },
      },
    },
    async (req) => deps.campus.excuses(req.query.student ? { studentId: req.query.student } : {}),
  );
  app.get(
    '/api/v1/excuses/withdrawn',
    {
      schema: {
        summary: 'Withdrawn excuses with who withdrew them, when and why, optionally of one student',
        tags: ['excuses'],
        querystring: z.object({ student: idSchema.optional() }),
        response: { 200: z.array(withdrawnExcuseSchema), ...readErrors },
      },
    },
    async (req) => deps.campus.withdrawnExcuses(req.query.student ? { studentId: req.query.student } : {}),
  );
  app.get(
    '/api/v1/excuses/:id',
    {
      schema: {
        summary: 'One excuse',
        tags: ['excuses'],
        params: z.object({ id: z.uuid() }),
        response: { 200: excuseSchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await deps.campus.excuse(req.params.id)) ?? reply.code(404).send(notFound('excuse')),
  );
}
