import { z } from 'zod';
import { authErrors, readErrors, type ApiApp, type ApiDeps } from '../apiTypes.ts';
import { SIMULATION_LIMITS } from '../simulations.ts';

const pct = (what: string) =>
  z.number().min(0, `${what} is a percentage 0-100`).max(100, `${what} is a percentage 0-100`);

const paramsSchema = z.object({
  population: z
    .number()
    .int('population is a whole number of students')
    .min(1, 'population is at least 1 student')
    .max(SIMULATION_LIMITS.maxPopulation, `population is at most ${SIMULATION_LIMITS.maxPopulation}`),
  rate: z.number().min(1, 'rate is at least 1 swipe/s').max(500, 'rate is at most 500 swipes/s'),
  latePct: pct('latePct'),
  invalidPct: pct('invalidPct').max(50, 'invalidPct is at most 50'),
  earlyExitPct: pct('earlyExitPct'),
  seed: z
    .number()
    .int('seed is a whole number')
    .min(0)
    .max(2 ** 31 - 1),
});

const stateSchema = z.object({
  id: z.string(),
  params: paramsSchema,
  state: z.enum(['starting', 'running', 'done', 'stopped', 'failed']),
  startedAt: z.number(),
  fed: z.number(),
  planned: z.number(),
  progress: z.number(),
  gatewayId: z.string(),
  hallId: z.string(),
  day: z.string(),
  error: z.string().nullable(),
});

const unavailable = {
  statusCode: 503 as const,
  error: 'Service Unavailable',
  message: 'simulations are not available in this process',
};

/** Simulated hall days run by the aggregator (admin starts and stops; anyone reads). */
export function simulationRoutes(app: ApiApp, deps: ApiDeps): void {
  const sims = deps.simulations;
  const idParam = z.object({ id: z.string().regex(/^sim\d+$/, 'a simulation id, e.g. sim1') });
  app.get(
    '/api/v1/simulations',
    {
      schema: {
        summary: 'Simulations of this process, running and finished',
        tags: ['simulations'],
        response: { 200: z.array(stateSchema), ...readErrors },
      },
    },
    () => Promise.resolve(sims?.list() ?? []),
  );
  app.get(
    '/api/v1/simulations/:id',
    {
      schema: {
        summary: "A simulation's state, progress and counts",
        tags: ['simulations'],
        params: idParam,
        response: { 200: stateSchema, ...readErrors },
      },
    },
    async (req, reply) => {
      const s = sims?.get(req.params.id);
      return (
        s ?? reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'simulation not found' })
      );
    },
  );
  app.post(
    '/api/v1/simulations',
    {
      schema: {
        summary: `Start a simulated hall day through a real gateway and the broker (admin; at most ${SIMULATION_LIMITS.maxRunning} at once)`,
        tags: ['simulations'],
        body: paramsSchema,
        response: { 201: stateSchema, 409: authErrors[400], 503: authErrors[400], ...authErrors },
      },
    },
    async (req, reply) => {
      if (!sims) return reply.code(503).send(unavailable);
      const s = sims.start(req.body);
      if (!s)
        return reply.code(409).send({
          statusCode: 409,
          error: 'Conflict',
          message: `${SIMULATION_LIMITS.maxRunning} simulations are already running; stop one first`,
        });
      return reply.code(201).send(s);
    },
  );
  app.delete(
    '/api/v1/simulations/:id',
    {
      schema: {
        summary: 'Stop a simulation (admin)',
        tags: ['simulations'],
        params: idParam,
        response: { 204: z.null(), ...readErrors },
      },
    },
    async (req, reply) => {
      if (!(await sims?.stop(req.params.id)))
        return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: 'simulation not found' });
      return reply.code(204).send(null);
    },
  );
}
