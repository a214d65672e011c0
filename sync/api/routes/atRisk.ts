import { z } from 'zod';
import { atRiskOf } from '../../campus/campusQueries.ts';
import { campusContext, idSchema, notFound, readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { atRiskPolicySchema, deliverySchema } from '../schemas.ts';

/** At-risk students per course, and the webhook deliveries of at-risk changes. */
export function atRiskRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/at-risk',
    {
      schema: {
        summary:
          'Students of a course and whether their rate over its last N ended sessions is below the threshold',
        tags: ['registers'],
        querystring: z.object({ course: idSchema }),
        response: {
          200: z.object({
            courseId: z.string(),
            policy: atRiskPolicySchema,
            sessionIds: z.array(z.string()),
            students: z.array(
              z.object({
                studentId: z.string(),
                name: z.string(),
                rate: z.number().nullable(),
                atRisk: z.boolean(),
              }),
            ),
          }),
          ...readErrors,
        },
      },
    },
    async (req, reply) =>
      (await atRiskOf(campusContext(deps), req.query.course)) ?? reply.code(404).send(notFound('course')),
  );
  app.get(
    '/api/v1/webhook/deliveries',
    {
      schema: {
        summary: 'Webhook deliveries of at-risk changes and their state (pending, delivered, failed)',
        tags: ['registers'],
        querystring: z.object({ state: z.enum(['pending', 'delivered', 'failed']).optional() }),
        response: { 200: z.array(deliverySchema), ...readErrors },
      },
    },
    async (req) => deps.campus.deliveries(req.query.state),
  );
}
