import { z } from 'zod';
import { readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';

/** Liveness, readiness, Prometheus metrics and the central dead letters. */
export function healthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness (no token)',
        tags: ['health'],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => Promise.resolve({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: stores started and broker connected (no token)',
        tags: ['health'],
        response: { 200: z.object({ ready: z.boolean() }), 503: z.object({ ready: z.boolean() }) },
      },
    },
    async (_req, reply) => (deps.ready() ? { ready: true } : reply.code(503).send({ ready: false })),
  );
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics (text format)',
        tags: ['health'],
        response: { 200: z.string(), ...readErrors },
      },
    },
    async (_req, reply) =>
      reply
        .header('content-type', deps.metrics.registry.contentType)
        .send(await deps.metrics.registry.metrics()),
  );
  app.get(
    '/api/v1/dead-letters',
    {
      schema: {
        summary: 'Central dead letters (reason, where from; never the payload)',
        tags: ['health'],
        response: {
          200: z.array(
            z.object({
              key: z.string(),
              site: z.string().nullable(),
              gatewayId: z.string().nullable(),
              topic: z.string(),
              batchId: z.string().nullable(),
              reason: z.string(),
              at: z.number(),
              attempts: z.number(),
            }),
          ),
          ...readErrors,
        },
      },
    },
    async () => deps.central.deadLetters(),
  );
}
