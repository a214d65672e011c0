import type { Database } from 'better-sqlite3';
import type { MqttClient } from 'mqtt';
import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/log.ts';
import { brokerAuth, createMqttClient, type MqttProtocol, type TlsFiles } from './mqttConnect.ts';
import { configMessageSchema, describeZodError, type ConfigMessage } from './schema.ts';
import { CONFIG_KINDS, configTopic, gatewayConfigTopic, type ConfigKind } from './topics.ts';

export interface ConfigDownlinkOptions {
  url: string;
  site: string;
  gatewayId: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  protocol?: MqttProtocol;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/**
 * Applies one validated configuration version atomically (store import, Bloom
 * rebuild). Throwing rejects the version: it is logged and not recorded, so
 * the next retained delivery tries again.
 */
export type ApplyConfig = <K extends ConfigKind>(
  kind: K,
  version: number,
  data: Extract<ConfigMessage, { kind: K }>['data'],
) => void | Promise<void>;

export interface ConfigDownlinkDeps {
  /** The gateway store (migration 002 creates `sync_config_versions`). */
  db: Database;
  log: Logger;
  clock: Clock;
  apply: ApplyConfig;
}

export type ConfigOutcome = 'applied' | 'same' | 'older' | 'malformed' | 'failed';

/**
 * Site -> gateway: subscribes to the retained, versioned configuration topics
 * `hallgate/v1/<site>/config/{roster,enrolments,timetable,thresholds,decisions}` and the
 * gateway's own `hallgate/v1/<site>/<gateway>/config/<kind>` (one version
 * sequence per kind across both),
 * validates every message, and hands a version newer than the last applied
 * one to `apply`. Older or malformed versions are ignored with a logged
 * error; the same version again (a retained redelivery) is ignored quietly.
 * Messages are applied one at a time, in arrival order.
 */
export class ConfigDownlink {
  private readonly log: Logger;
  private client: MqttClient | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners: ((kind: string, version: number | null, outcome: ConfigOutcome) => void)[] = [];

  constructor(
    private readonly opts: ConfigDownlinkOptions,
    private readonly deps: ConfigDownlinkDeps,
  ) {
    this.log = deps.log.child({ module: 'config-downlink' });
  }

  /** Registers an observer of every decision (tests, health); a throwing observer is logged. */
  onOutcome(fn: (kind: string, version: number | null, outcome: ConfigOutcome) => void): void {
    this.listeners.push(fn);
  }

  start(): Promise<void> {
    const { site, gatewayId } = this.opts;
    const client = createMqttClient(
      {
        url: this.opts.url,
        clientId: `hallgate-gw-${site}-${gatewayId}-config`,
        protocol: this.opts.protocol ?? 'auto',
        reconnectMinMs: this.opts.reconnectMinMs ?? 250,
        reconnectMaxMs: this.opts.reconnectMaxMs ?? 10_000,
        ...brokerAuth(this.opts),
      },
      this.log,
    );
    this.client = client;
    client.on('connect', () => {
      client.subscribe(
        CONFIG_KINDS.flatMap((k) => [configTopic(site, k), gatewayConfigTopic(site, gatewayId, k)]),
        { qos: 1 },
        (err) => {
          if (err) this.log.error({ err }, 'cannot subscribe to configuration topics');
        },
      );
    });
    client.on('message', (topic, payload) => {
      this.chain = this.chain.then(() => this.handle(topic, payload));
    });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(true);
    await this.chain;
  }

  /** Last applied version per kind (0: never). */
  appliedVersions(): Record<ConfigKind, number> {
    const rows = this.deps.db.prepare('SELECT kind, version FROM sync_config_versions').all() as {
      kind: ConfigKind;
      version: number;
    }[];
    const out = { roster: 0, enrolments: 0, timetable: 0, thresholds: 0, decisions: 0 };
    for (const r of rows) if (r.kind in out) out[r.kind] = r.version;
    return out;
  }

  /** Decides on one message; exported through `start()`'s subscription, callable directly by tests. */
  async handle(topic: string, payload: Buffer): Promise<ConfigOutcome> {
    const { site, gatewayId } = this.opts;
    const kind = CONFIG_KINDS.find(
      (k) => configTopic(site, k) === topic || gatewayConfigTopic(site, gatewayId, k) === topic,
    );
    if (!kind) return 'malformed';
    if (payload.length === 0) return this.outcome(kind, null, 'same'); // retained message cleared
    let msg: ConfigMessage;
    try {
      const parsed = configMessageSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (!parsed.success) {
        this.log.error({ kind, reason: describeZodError(parsed.error) }, 'malformed configuration ignored');
        return this.outcome(kind, null, 'malformed');
      }
      msg = parsed.data;
    } catch {
      this.log.error({ kind }, 'configuration is not JSON; ignored');
      return this.outcome(kind, null, 'malformed');
    }
    if (msg.kind !== kind) {
      this.log.error(
        { topicKind: kind, messageKind: msg.kind },
        'configuration kind does not match its topic; ignored',
      );
      return this.outcome(kind, msg.version, 'malformed');
    }
    const applied = this.appliedVersions()[kind];
    if (msg.version === applied) return this.outcome(kind, msg.version, 'same');
    if (msg.version < applied) {
      this.log.error({ kind, version: msg.version, applied }, 'older configuration version ignored');
      return this.outcome(kind, msg.version, 'older');
    }
    try {
      await this.deps.apply(kind, msg.version, msg.data);
    } catch (err) {
      this.log.error(
        { err, kind, version: msg.version },
        'configuration version could not be applied; ignored',
      );
      return this.outcome(kind, msg.version, 'failed');
    }
    this.deps.db
      .prepare(
        `INSERT INTO sync_config_versions (kind, version, applied_at) VALUES (?, ?, ?)
         ON CONFLICT (kind) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`,
      )
      .run(kind, msg.version, this.deps.clock.now());
    this.log.info({ kind, version: msg.version }, 'configuration applied');
    return this.outcome(kind, msg.version, 'applied');
  }

  private outcome(kind: string, version: number | null, outcome: ConfigOutcome): ConfigOutcome {
    for (const fn of this.listeners) {
      try {
        fn(kind, version, outcome);
      } catch (err) {
        this.log.error({ err }, 'config outcome listener threw');
      }
    }
    return outcome;
  }
}
