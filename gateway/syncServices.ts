import type { Logger } from 'pino';
import { ConfigDownlink } from '../sync/configDownlink.ts';
import { brokerAuthFromConfig } from '../sync/mqttConnect.ts';
import { Outbox } from '../sync/outbox.ts';
import type { ConfigData, ConfigMessage } from '../sync/schema.ts';
import { Uplink } from '../sync/uplink.ts';
import type { Clock } from '../kernel/clock.ts';
import type { ClockSanity } from './clockSanity.ts';
import { applyCentralDecisions } from './store/centralDecisions.ts';
import { applyCourseOverrides } from './store/courseOverrides.ts';
import type { Config } from './config/schema.ts';
import type { Service } from './daemon.ts';
import { ruleThresholds } from './face/faceThreshold.ts';
import type { GatewayCore } from './gatewayCore.ts';
import type { Health } from './health.ts';
import { VERSION } from '../kernel/version.ts';
import type { GatewayMetrics } from './metrics/gatewayMetrics.ts';

/** One configuration update, discriminated by kind. */
export type ConfigUpdate = {
  [K in ConfigMessage['kind']]: { kind: K; data: ConfigData<K> };
}[ConfigMessage['kind']];

/**
 * Applies a configuration version from the site to the local store, atomically,
 * and rebuilds what depends on it (Bloom filter, thresholds).
 */
export function applyConfigVersion(
  core: GatewayCore,
  cfg: Config,
  msg: ConfigUpdate,
  now: number,
  log?: Logger,
): void {
  switch (msg.kind) {
    case 'roster':
      core.store.replaceRoster(
        msg.data.map((r) => {
          const first = r.cardUid === null ? null : r.cardUid.toUpperCase();
          const cards = (r.cardUids ?? []).map((c) => c.toUpperCase());
          return {
            studentId: r.studentId,
            name: r.name,
            cardUid: first ?? cards[0] ?? null,
            moreCards: cards,
          };
        }),
        now,
      );
      core.rebuildBloom();
      return;
    case 'enrolments':
      core.store.replaceEnrolments(msg.data, now);
      return;
    case 'timetable':
      core.store.replaceTimetable(msg.data, now);
      return;
    case 'thresholds': {
      const { courses, ...site } = msg.data;
      if (courses) applyCourseOverrides(core.store, courses);
      core.pipeline.setThresholds({ ...ruleThresholds(cfg), ...site });
      return;
    }
    case 'decisions': {
      const out = applyCentralDecisions(core.store, msg.data, now, (studentId, day) =>
        core.pipeline.redecide(studentId, day, now),
      );
      for (const x of out.skipped) log?.error(x, 'central decision not applied');
      log?.info(
        { applied: out.applied, unchanged: out.unchanged, withdrawn: out.withdrawn },
        'central decisions applied',
      );
      return;
    }
  }
}

/**
 * The MQTT services of a gateway when `mqtt.enabled`: the store-and-forward
 * uplink (outbox -> aggregator, end-to-end acks, status and heartbeat) and the
 * configuration downlink (retained roster/enrolments/timetable/thresholds).
 */
export function syncServices(
  cfg: Config,
  core: GatewayCore,
  health: () => Health,
  log: Logger,
  clock: Clock,
  clockSanity?: ClockSanity,
  metrics?: GatewayMetrics,
): Service[] {
  if (!cfg.mqtt.enabled) return [];
  const common = {
    url: cfg.mqtt.url,
    site: cfg.gateway.site,
    gatewayId: cfg.gateway.id,
    ...brokerAuthFromConfig(cfg.mqtt),
  };
  const outbox = new Outbox(
    core.store.outboxQueue,
    { maxRows: cfg.mqtt.maxOutboxRows, minDiskFreeBytes: cfg.mqtt.minDiskFreeMb * 1024 * 1024 },
    { log, clock },
  );
  const uplink = new Uplink(
    {
      ...common,
      version: VERSION,
      batchSize: cfg.mqtt.batchSize,
      lingerMs: cfg.mqtt.lingerMs,
      maxInFlight: cfg.mqtt.maxInFlight,
      ackTimeoutMs: cfg.mqtt.ackTimeoutMs,
      heartbeatSec: cfg.mqtt.heartbeatSec,
    },
    {
      outbox,
      log, // the uplink binds its own module
      clock,
      ...(clockSanity ? { skew: clockSanity } : {}),
      health: () => {
        const h = health();
        return {
          readerConnected: Object.values(h.readers).some((s) => s === 'open'),
          cameraFps: h.camera?.fps ?? null,
          clock: h.clock,
          storeRecovered: Boolean(h.storeRecovered),
          configVersions: downlink.appliedVersions(),
        };
      },
    },
  );
  metrics?.watchUplink(uplink);
  core.pipeline.events.on('accepted', () => uplink.notify());
  core.pipeline.events.on('invalid', () => uplink.notify());
  const downlink = new ConfigDownlink(common, {
    db: core.store.db,
    log, // the downlink binds its own module
    clock,
    apply: (kind, _version, data) =>
      applyConfigVersion(core, cfg, { kind, data } as ConfigUpdate, clock.now(), log),
  });
  return [
    { name: 'uplink', start: () => uplink.start(), stop: () => uplink.stop() },
    { name: 'config-downlink', start: () => downlink.start(), stop: () => downlink.stop() },
  ];
}
