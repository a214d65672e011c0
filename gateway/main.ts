import type { Logger } from 'pino';
import { systemClock, type Clock } from '../kernel/clock.ts';
import type { ClockSanity } from './clockSanity.ts';
import type { Config } from './config/schema.ts';
import { Daemon, type Service } from './daemon.ts';
import type { GatewayCore } from './gatewayCore.ts';
import type { Health } from './health.ts';
import { VERSION } from '../kernel/version.ts';
import { healthServices } from './http/healthServices.ts';
import { LiveReload } from './liveReload.ts';
import { StoreUpkeep } from './upkeep/storeUpkeep.ts';
import { GatewayMetrics } from './metrics/gatewayMetrics.ts';
import { cameraService } from './cameraService.ts';
import { SerialBadgeReader } from './serial/serialBadgeReader.ts';

/** Extra services (camera, uplink) added by their wiring modules. */
export type ServiceFactory = (
  cfg: Config,
  core: GatewayCore,
  health: () => Health,
  log: Logger,
  clock: Clock,
  clockSanity?: ClockSanity,
  metrics?: GatewayMetrics,
) => Service[];

/**
 * The composition root: builds the daemon's parts from the configuration.
 * It only wires; every part does its own work in start()/stop().
 */
export function buildDaemon(
  cfg: Config,
  log: Logger,
  clock: Clock = systemClock,
  extra: ServiceFactory[] = [],
): Daemon {
  const metrics = new GatewayMetrics(VERSION);
  return new Daemon({
    cfg,
    clock,
    log,
    metrics,
    makeReader: (rc, rlog) =>
      new SerialBadgeReader(
        {
          readerId: rc.id,
          path: rc.path,
          baudRate: rc.baudRate,
          parity: rc.parity,
          dataBits: rc.dataBits,
          stopBits: rc.stopBits,
          protocol: rc.protocol,
          debounceMs: rc.debounceMs,
          reconnect: rc.reconnect,
          line: { minLength: rc.lineMinLength, maxLength: rc.lineMaxLength },
          logCardIds: cfg.log.cardIds,
        },
        { logger: rlog, clock },
      ),
    makeCamera: (core, ingest) => cameraService(cfg, core, log, clock, ingest, metrics),
    services: (core, health, sanity) => [
      new LiveReload({ pollMs: 500 }, { core, clock, log: log.child({ module: 'reload' }) }),
      new StoreUpkeep(cfg, { store: core.store, clock, log: log.child({ module: 'upkeep' }) }),
      ...healthServices(cfg, core, health, log, clock, metrics),
      ...extra.flatMap((f) => f(cfg, core, health, log, clock, sanity, metrics)),
    ],
  });
}
