import fastifyHelmet from '@fastify/helmet';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { VERSION } from '../../kernel/version.ts';
import { utcSite } from '../../kernel/siteTime.ts';
import type { ApiApp, ApiDeps, ApiOptions } from './apiTypes.ts';
import { AuthFailures, authHook } from './auth.ts';
import { errorHandler } from './errorHandler.ts';
import { atRiskRoutes } from './routes/atRisk.ts';
import { configRoutes } from './routes/config.ts';
import { courseRoutes } from './routes/courses.ts';
import { eventRoutes } from './routes/events.ts';
import { excuseRoutes } from './routes/excuses.ts';
import { gatewayRoutes } from './routes/gateways.ts';
import { hallRoutes } from './routes/halls.ts';
import { healthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { meRoutes } from './routes/me.ts';
import { reportRoutes } from './routes/reports.ts';
import { reviewRoutes } from './routes/review.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { siteRoutes } from './routes/site.ts';
import { simulationRoutes } from './routes/simulations.ts';
import { studentRoutes } from './routes/students.ts';

/**
 * The central HTTP API: Fastify with zod schemas per route (validation,
 * serialisation, OpenAPI at /api/v1/openapi.json, Swagger UI at /api/docs),
 * bearer-token auth by role, security headers on every answer. The composition
 * root of the API: it only wires; routes live one file per resource.
 */
export async function buildApi(opts: ApiOptions): Promise<ApiApp> {
  const deps: ApiDeps = { ...opts, site: opts.site ?? utcSite() };
  const app = Fastify({ logger: false, trustProxy: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler(deps.log.child({ module: 'api' })));
  app.addContentTypeParser(['text/csv', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  const failures = new AuthFailures(deps.authFailures ?? { maxFailures: 20, windowMs: 60_000 }, deps.clock);
  app.addHook('onRequest', authHook(deps.tokens, failures));
  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({
      method: req.method,
      route: req.routeOptions.url ?? 'unknown',
      status: String(reply.statusCode),
    });
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'hallgate central API', version: VERSION },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  for (const routes of [
    sessionRoutes,
    courseRoutes,
    studentRoutes,
    hallRoutes,
    gatewayRoutes,
    reviewRoutes,
    excuseRoutes,
    atRiskRoutes,
    reportRoutes,
    importRoutes,
    configRoutes,
    eventRoutes,
    healthRoutes,
    siteRoutes,
    simulationRoutes,
  ])
    routes(app, deps);
  meRoutes(app);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
