import { z } from 'zod';
import { sessionRegisterOf } from '../../campus/campusQueries.ts';
import {
  campusContext,
  daySchema,
  idSchema,
  notFound,
  readErrors,
  type ApiApp,
  type ApiDeps,
} from '../apiTypes.ts';
import { courseSchema, sessionRegisterRowSchema, sessionSchema } from '../schemas.ts';

/** The timetable's sessions and each session's register. */
export function sessionRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/sessions',
    {
      schema: {
        summary: 'Sessions of one day, by start',
        tags: ['timetable'],
        querystring: z.object({ date: daySchema }),
        response: { 200: z.array(sessionSchema), ...readErrors },
      },
    },
    async (req) => deps.campus.sessionsOfDay(req.query.date),
  );
  app.get(
    '/api/v1/sessions/:id',
    {
      schema: {
        summary: 'One session',
        tags: ['timetable'],
        params: z.object({ id: idSchema }),
        response: { 200: sessionSchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await deps.campus.session(req.params.id)) ?? reply.code(404).send(notFound('session')),
  );
  app.get(
    '/api/v1/sessions/:id/register',
    {
      schema: {
        summary:
          'Register of one session: every enrolled student with status, minutes, arrival, flags, explanations',
        tags: ['registers'],
        params: z.object({ id: idSchema }),
        response: {
          200: z.object({
            session: sessionSchema,
            course: courseSchema.nullable(),
            rows: z.array(sessionRegisterRowSchema),
          }),
          ...readErrors,
        },
      },
    },
    async (req, reply) =>
      (await sessionRegisterOf(campusContext(deps), req.params.id)) ??
      reply.code(404).send(notFound('session')),
  );
}
