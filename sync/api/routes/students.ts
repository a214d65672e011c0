import { z } from 'zod';
import { cardUidSchema } from '../../../gateway/importer/importData.ts';
import { studentViewOf } from '../../campus/campusQueries.ts';
import {
  authErrors,
  campusContext,
  idSchema,
  notFound,
  readErrors,
  type ApiApp,
  type ApiDeps,
} from '../apiTypes.ts';
import { studentSchema, studentViewSchema } from '../schemas.ts';

/** The roster: search, one student's history, and single edits. */
export function studentRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/students',
    {
      schema: {
        summary: 'Students whose id or name contains q (case-insensitive), by id',
        tags: ['students'],
        querystring: z.object({
          q: z.string().max(100).optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(200),
        }),
        response: { 200: z.array(studentSchema), ...readErrors },
      },
    },
    async (req) =>
      deps.campus.students({ limit: req.query.limit, ...(req.query.q ? { q: req.query.q } : {}) }),
  );
  app.get(
    '/api/v1/students/:id',
    {
      schema: {
        summary: "A student's history across courses with per-course rates",
        tags: ['students', 'registers'],
        params: z.object({ id: idSchema }),
        response: { 200: studentViewSchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await studentViewOf(campusContext(deps), req.params.id)) ?? reply.code(404).send(notFound('student')),
  );
  app.put(
    '/api/v1/students/:id',
    {
      schema: {
        summary: 'Create or update one student (publishes a new roster version)',
        tags: ['students'],
        params: z.object({ id: idSchema }),
        body: z.object({ name: z.string().max(300), cardUids: z.array(cardUidSchema).max(10).default([]) }),
        response: { 200: studentSchema, ...authErrors, 409: readErrors[404] },
      },
    },
    async (req, reply) => {
      for (const c of req.body.cardUids) {
        const holder = await deps.campus.studentByCard(c);
        if (holder !== null && holder !== req.params.id)
          return reply.code(409).send({
            statusCode: 409,
            error: 'Conflict',
            message: `body.cardUids: card ${c} already belongs to student ${holder}`,
          });
      }
      const s = {
        studentId: req.params.id,
        name: req.body.name,
        cardUids: [...new Set(req.body.cardUids)].sort(),
      };
      await deps.campus.upsertStudents([s]);
      await deps.publisher?.publish(['roster']);
      return s;
    },
  );
  app.get(
    '/api/v1/enrolments',
    {
      schema: {
        summary: 'Enrolments, optionally of one course or one student',
        tags: ['students', 'courses'],
        querystring: z.object({ course: idSchema.optional(), student: idSchema.optional() }),
        response: { 200: z.array(z.object({ studentId: z.string(), courseId: z.string() })), ...readErrors },
      },
    },
    async (req) =>
      (await deps.campus.enrolments()).filter(
        (e) =>
          (!req.query.course || e.courseId === req.query.course) &&
          (!req.query.student || e.studentId === req.query.student),
      ),
  );
}
