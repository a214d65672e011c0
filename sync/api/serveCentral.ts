import type { AggregatorConfig, MqttConfig } from '../../gateway/config/schema.ts';
import { brokerAuthFromConfig } from '../mqttConnect.ts';
import { campusOwnership } from '../aggregator/sessionOwnership.ts';
import { CampusConfigPublisher } from '../campus/configPublisher.ts';
import { MqttRetainedSink } from '../campus/mqttRetainedSink.ts';
import { AtRiskWatcher } from '../campus/atRiskWatcher.ts';
import { realScheduler, WebhookDispatcher } from '../campus/webhookDispatcher.ts';
import type { Clock } from '../../kernel/clock.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import type { Logger } from '../../kernel/log.ts';
import type { RunningAggregator } from '../aggregator/startAggregator.ts';
import type { CampusStore } from '../campus/campusStore.ts';
import { createCampusStore } from '../campus/createCampusStore.ts';
import type { ApiToken } from './auth.ts';
import { SimulationService } from './simulations.ts';
import { startApi, type RunningApi } from './startApi.ts';

export interface CentralServices {
  campus: CampusStore;
  api: RunningApi;
  /** Stops the API, then the campus store (the aggregator is stopped by its owner). */
  stop(): Promise<void>;
}

/**
 * The central side beside a running aggregator: the campus store
 * (aggregator.campusSqlitePath, by default beside the central store: its
 * SQLite file, or its Cassandra keyspace; see createCampusStore), the
 * publisher of per-gateway configuration on the broker of `mqtt`, and the
 * HTTP API on http.host:http.port.
 * What `hallgate aggregator` and `hallgate demo` start when http.enabled.
 */
export async function serveCentral(
  config: {
    aggregator: AggregatorConfig;
    mqtt: Pick<MqttConfig, 'url' | 'username' | 'password' | 'caFile' | 'certFile' | 'keyFile'>;
    /** The site's time zone: sessions' days, default report ranges and report hours are local. */
    site?: { timeZone: string };
  },
  running: RunningAggregator,
  deps: { log: Logger; clock: Clock; extraTokens?: readonly ApiToken[] },
): Promise<CentralServices> {
  const cfg = config.aggregator;
  const site = new SiteTime(config.site?.timeZone ?? 'UTC');
  const campus = createCampusStore(cfg, site, deps.log);
  await campus.start();
  running.aggregator.useOwnership(campusOwnership(campus));
  const sink = new MqttRetainedSink({ url: config.mqtt.url, ...brokerAuthFromConfig(config.mqtt) }, deps.log);
  await sink.start();
  const publisher = new CampusConfigPublisher({ campus, sink, clock: deps.clock, log: deps.log });
  const webhook = cfg.webhook.url
    ? new WebhookDispatcher(
        { ...cfg.webhook, url: cfg.webhook.url },
        { campus, clock: deps.clock, scheduler: realScheduler, log: deps.log },
      )
    : null;
  const atRisk = new AtRiskWatcher(
    { campus, central: running.store, clock: deps.clock, atRiskDefault: cfg.atRisk },
    { webhook, log: deps.log },
  );
  await webhook?.runDue(); // deliveries still pending from before a restart
  const timer = setInterval(() => void atRisk.check(), cfg.atRisk.checkSec * 1000);
  timer.unref();
  const simulations = new SimulationService({
    mqtt: config.mqtt,
    gatewaySite: 'campus',
    site,
    campus,
    clock: deps.clock,
    log: deps.log,
  });
  const api = await startApi(cfg, {
    campus,
    central: running.store,
    aggregator: running.aggregator,
    log: deps.log,
    clock: deps.clock,
    site,
    ...(deps.extraTokens ? { extraTokens: deps.extraTokens } : {}),
    extra: { publisher, atRisk, simulations },
  });
  return {
    campus,
    api,
    stop: async () => {
      clearInterval(timer);
      webhook?.stop();
      await api.stop();
      await simulations.stopAll();
      await sink.stop();
      await campus.stop();
    },
  };
}
