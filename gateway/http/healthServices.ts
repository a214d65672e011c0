import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.ts';
import type { Config } from '../config/schema.ts';
import type { Service } from '../daemon.ts';
import type { GatewayCore } from '../gatewayCore.ts';
import type { Health } from '../health.ts';
import type { GatewayMetrics } from '../metrics/gatewayMetrics.ts';
import { HealthServer } from './healthServer.ts';
import { readiness } from './readiness.ts';

/** The health endpoints (/healthz, /readyz, /metrics) when `health.enabled`, fed by the daemon's health. */
export function healthServices(
  cfg: Config,
  core: GatewayCore,
  health: () => Health,
  log: Logger,
  _clock: Clock,
  metrics: GatewayMetrics,
): Service[] {
  if (!cfg.health.enabled) return [];
  const ready = (): ReturnType<typeof readiness> =>
    readiness(health(), { storeOpen: core.store.maintenance.isOpen, minDiskFreeMb: cfg.mqtt.minDiskFreeMb });
  metrics.setSources({
    health,
    ready: () => ready().ready,
    deadLetters: () => core.store.deadLetters.deadLetterCount(),
  });
  return [
    new HealthServer(
      { host: cfg.health.host, port: cfg.health.port },
      { health, readiness: ready, metrics, log: log.child({ module: 'health' }) },
    ),
  ];
}
