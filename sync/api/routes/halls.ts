import { z } from 'zod';
import { authErrors, idSchema, notFound, readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { hallSchema } from '../schemas.ts';

/** Lecture halls. */
export function hallRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/api/v1/halls',
    {
      schema: {
        summary: 'Every hall',
        tags: ['halls'],
        response: { 200: z.array(hallSchema), ...readErrors },
      },
    },
    async () => deps.campus.halls(),
  );
  app.get(
    '/api/v1/halls/:id',
    {
      schema: {
        summary: 'One hall',
        tags: ['halls'],
        params: z.object({ id: idSchema }),
        response: { 200: hallSchema, ...readErrors },
      },
    },
    async (req, reply) =>
      (await deps.campus.halls()).find((h) => h.hallId === req.params.id) ??
      reply.code(404).send(notFound('hall')),
  );
  app.put(
    '/api/v1/halls/:id',
    {
      schema: {
        summary: 'Create a hall or rename it',
        tags: ['halls'],
        params: z.object({ id: idSchema }),
        body: z.object({ name: z.string().min(1).max(200) }),
        response: { 200: hallSchema, ...authErrors },
      },
    },
    async (req) => {
      await deps.campus.upsertHalls([{ hallId: req.params.id, name: req.body.name }]);
      return { hallId: req.params.id, name: req.body.name };
    },
  );
}
