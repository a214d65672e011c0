import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/log.ts';
import { brokerAuth, createMqttClient, type MqttProtocol, type TlsFiles } from './mqttConnect.ts';
import { InFlightBatches, newBatchId, type InFlightBatch } from './inFlightBatches.ts';
import type { Outbox, OutboxRow } from './outbox.ts';
import {
  ackSchema,
  describeZodError,
  MAX_UPLINK_BATCH_BYTES,
  SCHEMA_VERSION,
  type Ack,
  type GatewayHealth,
} from './schema.ts';
import { gatewayTopic } from './topics.ts';

export interface UplinkOptions {
  url: string;
  site: string;
  gatewayId: string;
  /** Software version, reported in status and heartbeat. */
  version: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  protocol?: MqttProtocol;
  /** Rows per batch. */
  batchSize?: number;
  /** Serialized payload bytes per batch (a batch stops short of batchSize above this); at most MAX_UPLINK_BATCH_BYTES. */
  maxBatchBytes?: number;
  /** A partial batch waits this long for more rows before it is sent. */
  lingerMs?: number;
  /** Batches published and not yet acknowledged end to end. */
  maxInFlight?: number;
  /** Resend a batch not acknowledged within this; doubles per attempt up to maxBackoffMs. */
  ackTimeoutMs?: number;
  maxBackoffMs?: number;
  heartbeatSec?: number;
  /** How often the outbox is polled for new rows (also `notify()`). */
  pollMs?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** What the daemon knows about its devices; the uplink adds the queue figures. */
export interface DeviceHealth {
  readerConnected: boolean;
  cameraFps: number | null;
  /** Clock sanity (see gateway/clockSanity.ts), when the daemon tracks it. */
  clock?: { suspect: boolean; skewMs: number | null };
  /** The store was found damaged at start (moved aside, salvaged); reported in every heartbeat. */
  storeRecovered?: boolean;
  configVersions?: Record<string, number>;
}

export interface UplinkDeps {
  outbox: Outbox;
  log: Logger;
  clock: Clock;
  /** Called for every heartbeat; a throwing callback is logged and reported as unknown devices. */
  health?: () => DeviceHealth;
  /** Told the aggregator's time from every genuine ack (clock sanity, see clockSkew.ts). */
  skew?: { observe(remoteAt: number, localAt: number): void };
}

export interface UplinkEvents {
  connected: [{ protocolVersion: number }];
  disconnected: [];
  acked: [{ batchId: string; deleted: number; deadLettered: number }];
  /** An ack that names no batch in flight, or not all of its rows: nothing was changed. */
  ackIgnored: [{ batchId: string; reason: string }];
  /** A new batch published (resends are not counted). */
  sent: [{ batchId: string; items: number }];
}

export interface UplinkStats {
  /** Acks that changed nothing: forged, stale (after a reconnect) or for another batch. */
  acksIgnored: number;
  /** Seqs named by applied acks that were not in the acked batch (ignored). */
  foreignSeqsIgnored: number;
}

const DEFAULTS = {
  protocol: 'auto' as MqttProtocol,
  batchSize: 500,
  maxBatchBytes: MAX_UPLINK_BATCH_BYTES,
  lingerMs: 200,
  maxInFlight: 4,
  ackTimeoutMs: 10_000,
  maxBackoffMs: 60_000,
  heartbeatSec: 30,
  pollMs: 100,
  reconnectMinMs: 250,
  reconnectMaxMs: 10_000,
};

/**
 * Gateway -> aggregator: publishes outbox batches with QoS 1 on
 * `hallgate/v1/<site>/<gateway>/batch` and deletes rows only when the
 * aggregator's ack on `.../ack` names them. At most `maxInFlight` batches are
 * out; each is resent with backoff until acknowledged. On every (re)connect
 * the in-flight set is forgotten and the outbox drains again from its oldest
 * row (resends are harmless: the aggregator writes idempotently). Publishes
 * only while connected, so nothing queues in memory while the broker is away.
 * Keeps a retained status (`online`, last will `offline`) and a heartbeat.
 */
export class Uplink extends EventEmitter<UplinkEvents> {
  private readonly o: Required<Omit<UplinkOptions, 'username' | 'password' | 'tls'>> &
    Pick<UplinkOptions, 'username' | 'password' | 'tls'>;
  private readonly log: Logger;
  private client: MqttClient | null = null;
  private readonly inFlight = new InFlightBatches();
  private readonly counters: UplinkStats = { acksIgnored: 0, foreignSeqsIgnored: 0 };
  private ignoredLoggedAt: number | null = null;
  private cursor = 0;
  private partialSince: number | null = null;
  private ready = false;
  private stopping = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pumping = false;

  constructor(
    opts: UplinkOptions,
    private readonly deps: UplinkDeps,
  ) {
    super();
    this.o = { ...DEFAULTS, ...stripUndefined(opts) } as typeof this.o;
    // Never above what the aggregator parses (issue 12 §6).
    this.o.maxBatchBytes = Math.min(this.o.maxBatchBytes, MAX_UPLINK_BATCH_BYTES);
    this.log = deps.log.child({ module: 'uplink' });
  }

  get connected(): boolean {
    return this.ready;
  }

  get inFlightBatches(): number {
    return this.inFlight.size;
  }

  stats(): UplinkStats {
    return { ...this.counters };
  }

  /** Starts connecting in the background; resolves at once (the broker may be down). */
  start(): Promise<void> {
    const { site, gatewayId } = this.o;
    const client = createMqttClient(
      {
        url: this.o.url,
        clientId: `hallgate-gw-${site}-${gatewayId}`,
        protocol: this.o.protocol,
        reconnectMinMs: this.o.reconnectMinMs,
        reconnectMaxMs: this.o.reconnectMaxMs,
        will: {
          topic: gatewayTopic(site, gatewayId, 'status'),
          payload: Buffer.from(this.statusBody('offline', false)),
          qos: 1,
          retain: true,
        },
        ...brokerAuth(this.o),
      },
      this.log,
    );
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => {
      if (this.ready) {
        this.ready = false;
        this.log.warn({ inFlight: this.inFlight.size }, 'uplink disconnected; queueing on disk');
        this.safeEmit('disconnected');
      }
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.pollTimer = setInterval(() => this.pump(), this.o.pollMs);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.o.heartbeatSec * 1000);
    return Promise.resolve();
  }

  /** Publishes 'offline' (when connected) and disconnects. Unacked rows stay in the outbox. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.pollTimer = this.heartbeatTimer = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (this.ready) {
      try {
        await client.publishAsync(
          gatewayTopic(this.o.site, this.o.gatewayId, 'status'),
          this.statusBody('offline', true),
          {
            qos: 1,
            retain: true,
          },
        );
      } catch (err) {
        this.log.warn({ err }, 'could not publish offline status');
      }
    }
    this.ready = false;
    await client.endAsync(true);
  }

  /** Tells the uplink new rows are queued (optional: the outbox is also polled). */
  notify(): void {
    this.pump();
  }

  /** Full health: the daemon's device figures plus the queue figures. */
  health(): GatewayHealth {
    let devices: DeviceHealth = { readerConnected: false, cameraFps: null };
    try {
      if (this.deps.health) devices = this.deps.health();
    } catch (err) {
      this.log.error({ err }, 'health callback failed');
    }
    const s = this.deps.outbox.stats();
    return {
      readerConnected: devices.readerConnected,
      cameraFps: devices.cameraFps,
      outboxDepth: s.depth,
      oldestUnsyncedAgeMs: s.oldestAgeMs,
      diskFreeBytes: s.diskFreeBytes,
      queueLimitExceeded: s.queueLimitExceeded,
      diskLow: s.diskLow,
      inFlightBatches: this.inFlight.size,
      version: this.o.version,
      ...(devices.clock ? { clockSuspect: devices.clock.suspect, clockSkewMs: devices.clock.skewMs } : {}),
      ...(devices.storeRecovered ? { storeRecovered: true } : {}),
      ...(devices.configVersions ? { configVersions: devices.configVersions } : {}),
    };
  }

  private onConnect(): void {
    const client = this.client;
    if (!client) return;
    // Forget what was in flight: drain again from the oldest unacknowledged row.
    this.inFlight.clear();
    this.cursor = 0;
    this.partialSince = null;
    const { site, gatewayId } = this.o;
    client.subscribe(gatewayTopic(site, gatewayId, 'ack'), { qos: 1 }, (err) => {
      if (err) {
        this.log.error({ err }, 'cannot subscribe to the ack topic; reconnecting');
        client.reconnect();
        return;
      }
      if (this.client !== client || this.stopping) return;
      this.ready = true;
      client.publish(gatewayTopic(site, gatewayId, 'status'), this.statusBody('online', true), {
        qos: 1,
        retain: true,
      });
      this.safeEmit('connected', { protocolVersion: client.options.protocolVersion ?? 4 });
      this.heartbeat();
      this.pump();
    });
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== gatewayTopic(this.o.site, this.o.gatewayId, 'ack')) return;
    let ack: Ack;
    try {
      const parsed = ackSchema.safeParse(JSON.parse(payload.toString('utf8')));
      if (!parsed.success) {
        this.log.error({ reason: describeZodError(parsed.error) }, 'malformed ack ignored');
        return;
      }
      ack = parsed.data;
    } catch {
      this.log.error('ack is not JSON; ignored');
      return;
    }
    try {
      this.applyAck(ack);
    } catch (err) {
      // The rows stay queued and are sent again; nothing is lost.
      this.log.error({ err, batchId: ack.batchId }, 'could not apply ack');
    }
    this.pump();
  }

  /** Applies an ack to the batch in flight it names, and to that batch's rows only. */
  private applyAck(ack: Ack): void {
    const match = this.inFlight.take(ack);
    if (typeof match === 'string') {
      this.counters.acksIgnored += 1;
      // At most one line a minute: anyone who may publish on the ack topic could flood the log.
      const t = this.deps.clock.monotonic();
      if (this.ignoredLoggedAt === null || t - this.ignoredLoggedAt >= 60_000) {
        this.ignoredLoggedAt = t;
        this.log.warn({ reason: match, acksIgnored: this.counters.acksIgnored }, 'ack ignored');
      }
      this.safeEmit('ackIgnored', { batchId: ack.batchId, reason: match });
      return;
    }
    if (match.foreignSeqs > 0) {
      this.counters.foreignSeqsIgnored += match.foreignSeqs;
      this.log.warn({ batchId: ack.batchId, ignored: match.foreignSeqs }, 'ack named rows of no batch');
    }
    if (ack.at !== undefined) this.deps.skew?.observe(ack.at, this.deps.clock.now());
    const outbox = this.deps.outbox;
    const why =
      ack.status === 'rejected'
        ? `rejected by aggregator: ${ack.reason ?? 'no reason given'}`
        : `items dead-lettered by aggregator: ${ack.reason ?? 'invalid item'}`;
    const deadLettered = outbox.deadLetter(match.deadLetter, why);
    const deleted = outbox.acknowledge(match.acknowledge);
    this.log.debug({ batchId: ack.batchId, deleted, deadLettered }, 'batch acknowledged');
    this.safeEmit('acked', { batchId: ack.batchId, deleted, deadLettered });
  }

  private pump(): void {
    if (this.pumping || !this.ready || this.stopping) return;
    const client = this.client;
    if (!client?.connected) return;
    this.pumping = true;
    try {
      this.resendOverdue(client);
      while (this.inFlight.size < this.o.maxInFlight && client.connected) {
        const { rows, full } = this.deps.outbox.readAfter(
          this.cursor,
          this.o.batchSize,
          this.o.maxBatchBytes,
        );
        if (rows.length === 0) {
          this.partialSince = null;
          break;
        }
        if (!full) {
          const now = this.deps.clock.monotonic();
          this.partialSince ??= now;
          if (now - this.partialSince < this.o.lingerMs) break;
        }
        this.partialSince = null;
        this.send(client, rows);
        this.cursor = rows[rows.length - 1]!.seq;
      }
    } catch (err) {
      this.log.error({ err }, 'uplink pump failed; will retry');
    } finally {
      this.pumping = false;
    }
  }

  private send(client: MqttClient, rows: OutboxRow[]): void {
    const first = rows[0]!.seq;
    const last = rows[rows.length - 1]!.seq;
    const batchId = newBatchId(this.o.gatewayId, first, last);
    const now = this.deps.clock.now();
    const items = rows.map(
      (r) =>
        `{"seq":${r.seq},"kind":${JSON.stringify(r.kind)},"createdAt":${r.createdAt},"payload":${r.payload}}`,
    );
    const body =
      `{"schemaVersion":${SCHEMA_VERSION},"gatewayId":${JSON.stringify(this.o.gatewayId)},` +
      `"site":${JSON.stringify(this.o.site)},"batchId":${JSON.stringify(batchId)},"sentAt":${now},` +
      `"items":[${items.join(',')}]}`;
    const b: InFlightBatch = {
      batchId,
      seqs: rows.map((r) => r.seq),
      body,
      sentAt: this.deps.clock.monotonic(),
      attempts: 1,
      timeoutMs: this.o.ackTimeoutMs,
    };
    this.inFlight.add(b);
    this.publish(client, b);
    this.safeEmit('sent', { batchId, items: b.seqs.length });
  }

  private resendOverdue(client: MqttClient): void {
    const now = this.deps.clock.monotonic();
    for (const b of this.inFlight.values()) {
      if (now - b.sentAt < b.timeoutMs) continue;
      b.attempts += 1;
      b.sentAt = now;
      b.timeoutMs = Math.min(b.timeoutMs * 2, this.o.maxBackoffMs);
      this.log.warn(
        { batchId: b.batchId, attempts: b.attempts, nextTimeoutMs: b.timeoutMs },
        'no ack in time; resending batch',
      );
      this.publish(client, b);
    }
  }

  private publish(client: MqttClient, b: InFlightBatch): void {
    client.publish(gatewayTopic(this.o.site, this.o.gatewayId, 'batch'), b.body, { qos: 1 }, (err) => {
      // A failed publish is resent on ack timeout or after the reconnect.
      if (err) this.log.debug({ err, batchId: b.batchId }, 'batch publish not confirmed');
    });
  }

  private heartbeat(): void {
    const client = this.client;
    if (!client || !this.ready) return;
    try {
      const body = JSON.stringify({
        schemaVersion: SCHEMA_VERSION,
        gatewayId: this.o.gatewayId,
        site: this.o.site,
        at: this.deps.clock.now(),
        health: this.health(),
      });
      client.publish(gatewayTopic(this.o.site, this.o.gatewayId, 'heartbeat'), body, {
        qos: 0,
        retain: true,
      });
    } catch (err) {
      this.log.error({ err }, 'heartbeat failed');
    }
  }

  private statusBody(state: 'online' | 'offline', withTime: boolean): string {
    return JSON.stringify({
      schemaVersion: SCHEMA_VERSION,
      gatewayId: this.o.gatewayId,
      site: this.o.site,
      state,
      ...(withTime ? { at: this.deps.clock.now() } : {}),
      version: this.o.version,
    });
  }

  private safeEmit<K extends keyof UplinkEvents>(event: K, ...args: UplinkEvents[K]): void {
    for (const listener of this.listeners(event) as ((...a: UplinkEvents[K]) => void)[]) {
      try {
        listener(...args);
      } catch (err) {
        this.log.error({ err, event }, 'uplink listener threw');
      }
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
