import type { AggregatorConfig } from '../../gateway/config/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Aggregator } from '../aggregator/aggregator.ts';
import type { CentralStore } from '../aggregator/centralStore.ts';
import type { CampusStore } from '../campus/campusStore.ts';
import type { ApiApp, ApiDeps } from './apiTypes.ts';
import type { ApiToken } from './auth.ts';
import { buildApi } from './buildApi.ts';
import { consoleDir, serveConsole } from './consoleStatic.ts';
import { ApiBus, eventsOfBatch, observeCentralStore } from './eventBus.ts';
import { ApiMetrics } from './metrics.ts';

export interface RunningApi {
  app: ApiApp;
  bus: ApiBus;
  /** http://host:port of the listening server; null when it could not listen. */
  url: string | null;
  stop(): Promise<void>;
}

export interface StartApiDeps {
  campus: CampusStore;
  central: CentralStore;
  aggregator?: Aggregator;
  log: Logger;
  clock: Clock;
  /** The site's day (default UTC). */
  site?: SiteTime;
  /** Tokens beyond the configured ones (the demo's one-time admin token). */
  extraTokens?: readonly ApiToken[];
  /** Optional collaborators (publishing, decisions, at-risk watcher). */
  extra?: Partial<Pick<ApiDeps, 'publisher' | 'atRisk' | 'simulations'>>;
}

/**
 * Starts the central HTTP API beside a running aggregator: observes the
 * central store (live events, metrics), builds the app and listens on
 * `http.host:http.port`. A port that cannot be bound is one logged error and
 * the aggregator keeps ingesting without the API (url null).
 */
export async function startApi(cfg: AggregatorConfig, deps: StartApiDeps): Promise<RunningApi> {
  const log = deps.log.child({ module: 'api' });
  const bus = new ApiBus();
  const metrics = new ApiMetrics({
    central: deps.central,
    ...(deps.aggregator ? { stats: () => deps.aggregator!.stats() } : {}),
    now: () => deps.clock.now(),
  });
  let subscribed = false;
  deps.aggregator?.on('subscribed', () => (subscribed = true));
  observeCentralStore(deps.central, {
    batch: (b, ms, outcome) => {
      metrics.writeSeconds.observe(ms / 1000);
      for (const dl of b.deadLetters) metrics.deadLettered(dl.reason);
      // Refused records are not announced (the aggregator dead-letters them: counted there).
      for (const e of eventsOfBatch(b, outcome.conflicts)) bus.publish(e);
    },
    deadLetter: (dl) => metrics.deadLettered(dl.reason),
    status: (s) => {
      if (s.state)
        bus.publish({
          type: 'gateway',
          data: { site: s.site, gatewayId: s.gatewayId, state: s.state, at: s.at },
        });
    },
  });
  const app = await buildApi({
    campus: deps.campus,
    central: deps.central,
    clock: deps.clock,
    ...(deps.site ? { site: deps.site } : {}),
    log: deps.log,
    tokens: [...cfg.api.tokens, ...(deps.extraTokens ?? [])],
    atRiskDefault: { sessions: cfg.atRisk.sessions, threshold: cfg.atRisk.threshold },
    bus,
    metrics,
    ready: () => (deps.aggregator ? subscribed : true),
    ...(deps.aggregator ? { aggregatorStats: () => deps.aggregator!.stats() } : {}),
    authFailures: { maxFailures: cfg.api.maxAuthFailures, windowMs: cfg.api.authWindowSec * 1000 },
    ...deps.extra,
  });
  const web = consoleDir();
  if (web) await serveConsole(app, web);
  else log.info('web console not built (npm run build:web); serving the API only');
  let url: string | null = null;
  try {
    await app.listen({ host: cfg.http.host, port: cfg.http.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.http.port;
    url = `http://${cfg.http.host.includes(':') ? `[${cfg.http.host}]` : cfg.http.host}:${port}`;
    log.info({ url }, 'HTTP API listening');
  } catch (err) {
    log.error(
      { host: cfg.http.host, port: cfg.http.port, reason: (err as Error).message },
      'HTTP API cannot listen; the aggregator keeps ingesting without it',
    );
  }
  return { app, bus, url, stop: () => app.close() };
}
