import { z } from 'zod';
import { courseRegisterOf } from '../../campus/campusQueries.ts';
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
import {
  atRiskPolicySchema,
  courseRegisterRowSchema,
  courseSchema,
  sessionSchema,
  studentSchema,
  thresholdsBody,
} from '../schemas.ts';
import { studentsOf } from '../../campus/campusQueries.ts';

const rangeQuery = z
  .object({ from: daySchema, to: daySchema })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] });

/** Courses, their students, their per-course settings and the course register. */
export function courseRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/courses',
    {
      schema: {
        summary: 'Every course',
        tags: ['courses'],
        response: { 200: z.array(courseSchema), ...readErrors },
      },
    },
    async () => deps.campus.courses(),
  );
  app.get(
    '/api/v1/courses/:id',
    {
      schema: {
        summary: 'One course',
        tags: ['courses'],
        params: z.object({ id: idSchema }),
        response: { 200: courseSchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await deps.campus.course(req.params.id)) ?? reply.code(404).send(notFound('course')),
  );
  app.get(
    '/api/v1/courses/:id/students',
    {
      schema: {
        summary: 'Students enrolled in a course',
        tags: ['courses'],
        params: z.object({ id: idSchema }),
        response: { 200: z.array(studentSchema), ...readErrors },
      },
    },
    async (req, reply) => {
      if (!(await deps.campus.course(req.params.id))) return reply.code(404).send(notFound('course'));
      return studentsOf(campusContext(deps), await deps.campus.enrolledStudents(req.params.id));
    },
  );
  app.get(
    '/api/v1/courses/:id/register',
    {
      schema: {
        summary:
          'Course register over a date range: sessions x students, rate = (present + late) / (sessions - excused)',
        tags: ['registers'],
        params: z.object({ id: idSchema }),
        querystring: rangeQuery,
        response: {
          200: z.object({
            course: courseSchema,
            from: z.string(),
            to: z.string(),
            sessions: z.array(sessionSchema),
            rows: z.array(courseRegisterRowSchema),
          }),
          ...readErrors,
        },
      },
    },
    async (req, reply) =>
      (await courseRegisterOf(campusContext(deps), req.params.id, req.query.from, req.query.to)) ??
      reply.code(404).send(notFound('course')),
  );
  courseSettingsRoute(app, deps);
}

/** PUT /api/v1/courses/{id}/settings: threshold overrides and at-risk policy of one course. */
function courseSettingsRoute(app: ApiApp, deps: ApiDeps): void {
  app.put(
    '/api/v1/courses/:id/settings',
    {
      schema: {
        summary: "Set a course's threshold overrides and at-risk policy (publishes a new thresholds version)",
        tags: ['courses', 'config'],
        params: z.object({ id: idSchema }),
        body: z.object({
          thresholds: thresholdsBody.optional(),
          atRisk: atRiskPolicySchema.nullable().optional(),
        }),
        response: { 200: courseSchema, ...authErrors, 404: readErrors[404] },
      },
    },
    async (req, reply) => {
      const prev = await deps.campus.course(req.params.id);
      if (!prev) return reply.code(404).send(notFound('course'));
      const next = {
        ...prev,
        thresholds: req.body.thresholds ?? prev.thresholds,
        atRisk: req.body.atRisk === undefined ? prev.atRisk : req.body.atRisk,
      };
      await deps.campus.upsertCourses([next]);
      if (req.body.thresholds) await deps.publisher?.publish(['thresholds']);
      if (req.body.atRisk !== undefined) await deps.atRisk?.check([next.courseId]);
      return next;
    },
  );
}
