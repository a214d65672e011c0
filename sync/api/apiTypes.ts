import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Clock } from '../../kernel/clock.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { Logger } from '../../kernel/log.ts';
import type { AggregatorStats } from '../aggregator/aggregator.ts';
import type { CentralStore } from '../aggregator/centralStore.ts';
import type { CampusContext } from '../campus/campusQueries.ts';
import type { AtRiskPolicy, CampusStore } from '../campus/campusStore.ts';
import type { ConfigKind } from '../topics.ts';
import type { ApiToken, FailureLimit } from './auth.ts';
import type { ApiBus } from './eventBus.ts';
import type { ApiMetrics } from './metrics.ts';
import type { SimulationService } from './simulations.ts';

/** Publishes campus configuration to the gateways (retained, versioned); absent: nothing is published. */
export interface CampusPublisher {
  publish(kinds: readonly ConfigKind[]): Promise<void>;
}

/** At-risk checks after a change (each state change goes to the webhook); absent: none. */
export interface AtRiskWatcher {
  check(courseIds?: readonly string[]): Promise<void>;
}

export interface ApiDeps {
  campus: CampusStore;
  central: CentralStore;
  clock: Clock;
  /** The site's day: default ranges, report hours and the console's dates are local. */
  site: SiteTime;
  log: Logger;
  tokens: readonly ApiToken[];
  atRiskDefault: AtRiskPolicy;
  bus: ApiBus;
  metrics: ApiMetrics;
  /** Ready to serve: stores started, broker connected. */
  ready: () => boolean;
  aggregatorStats?: () => AggregatorStats;
  publisher?: CampusPublisher;
  atRisk?: AtRiskWatcher;
  authFailures?: FailureLimit;
  /** Simulated hall days through a real gateway and the broker; absent: none (POST gives 503). */
  simulations?: SimulationService;
  /** SSE keep-alive comment interval (default 15 s). */
  sseKeepAliveMs?: number;
}

/** What buildApi takes: ApiDeps with the site optional (default UTC, set once there). */
export type ApiOptions = Omit<ApiDeps, 'site'> & { site?: SiteTime };

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export function campusContext(deps: ApiDeps): CampusContext {
  return { campus: deps.campus, central: deps.central, clock: deps.clock, atRiskDefault: deps.atRiskDefault };
}

// ---- shared schemas ---------------------------------------------------------------

export const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day YYYY-MM-DD');
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:-]+$/, 'letters, digits, _ . : - only');
export const errorSchema = z.object({
  statusCode: z.number(),
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
  reason: z.string().optional(),
});
/** The error answers every authenticated route may give. */
export const authErrors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 429: errorSchema };
export const readErrors = { ...authErrors, 404: errorSchema };

/** A HallgateError-free 404 answer. */
export function notFound(what: string): { statusCode: 404; error: string; message: string } {
  return { statusCode: 404, error: 'Not Found', message: `${what} not found` };
}
