import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../kernel/log.ts';
import { brokerAuth, createMqttClient, type MqttProtocol, type TlsFiles } from '../mqttConnect.ts';
import {
  heartbeatSchema,
  MAX_BATCH_PAYLOAD_BYTES,
  SCHEMA_VERSION,
  statusSchema,
  type Ack,
} from '../schema.ts';
import {
  allGatewaysFilter,
  gatewayTopic,
  parseGatewayTopic,
  sharedFilter,
  type ParsedGatewayTopic,
} from '../topics.ts';
import { itemLetter } from './batchItems.ts';
import { parseBatch } from './parseBatch.ts';
import type {
  CentralBatch,
  CentralStore,
  DeadLetterInput,
  ItemConflict,
  WriteOutcome,
} from './centralStore.ts';
import { judgeOwnership, type SessionOwnership } from './sessionOwnership.ts';

export interface AggregatorOptions {
  url: string;
  /** Shared-subscription group: aggregators in one group split the batches (MQTT 5). */
  group: string;
  /** Defaults to `hallgate-agg-<group>-<random>`; every instance needs its own. */
  clientId?: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  protocol?: MqttProtocol;
  /** Attempts to write one batch before giving up on it (it is then resent by the gateway). */
  writeAttempts?: number;
  writeRetryDelayMs?: number;
  /** Largest batch payload parsed (bytes); a larger one is dead-lettered unread. */
  maxPayloadBytes?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface AggregatorDeps {
  store: CentralStore;
  log: Logger;
  clock: Clock;
  /** Session owners from the campus data; without it a session belongs to its first sender. */
  ownership?: SessionOwnership;
}

export interface AggregatorStats {
  batchesWritten: number;
  itemsWritten: number;
  batchesRejected: number;
  itemsDeadLettered: number;
  malformedDropped: number;
  writeFailures: number;
}

export interface AggregatorEvents {
  subscribed: [{ protocolVersion: number; shared: boolean }];
  /** A batch is durable in the central store; its ack is about to be published. */
  written: [{ site: string; gatewayId: string; batchId: string; items: number }];
  deadLettered: [{ topic: string; reason: string }];
}

/**
 * The central aggregator: takes gateway batches from the broker (a
 * `$share/<group>/...` subscription on MQTT 5, a plain one on 3.1.1), checks
 * them against the schema, writes them idempotently and only then publishes
 * the end-to-end ack on the gateway's ack topic. Bad input goes to the
 * dead-letter store with the reason; nothing the aggregator has not written
 * is acknowledged, and no input makes it throw. Batches are handled one at a
 * time per instance (the broker's PUBACK follows the write), so N instances
 * in one group give N-fold parallelism.
 */
export class Aggregator extends EventEmitter<AggregatorEvents> {
  private readonly log: Logger;
  private client: MqttClient | null = null;
  private readonly stats_: AggregatorStats = {
    batchesWritten: 0,
    itemsWritten: 0,
    batchesRejected: 0,
    itemsDeadLettered: 0,
    malformedDropped: 0,
    writeFailures: 0,
  };

  constructor(
    private readonly opts: AggregatorOptions,
    private readonly deps: AggregatorDeps,
  ) {
    super();
    this.log = deps.log.child({ module: 'aggregator' });
    this.ownership = deps.ownership ?? null;
  }

  private ownership: SessionOwnership | null = null;

  /** Session owners from the campus data (set once the campus store is open). */
  useOwnership(ownership: SessionOwnership): void {
    this.ownership = ownership;
  }

  stats(): AggregatorStats {
    return { ...this.stats_ };
  }

  /** Connects and subscribes in the background (the store must be started). */
  start(): Promise<void> {
    const client = createMqttClient(
      {
        url: this.opts.url,
        clientId: this.opts.clientId ?? `hallgate-agg-${this.opts.group}-${randomUUID().slice(0, 8)}`,
        protocol: this.opts.protocol ?? 'auto',
        reconnectMinMs: this.opts.reconnectMinMs ?? 250,
        reconnectMaxMs: this.opts.reconnectMaxMs ?? 10_000,
        ...brokerAuth(this.opts),
      },
      this.log,
    );
    this.client = client;
    // The broker's PUBACK for a batch goes out only after handleMessage is done.
    client.handleMessage = (packet: IPublishPacket, done: (err?: Error) => void) => {
      this.handle(packet).then(
        () => done(),
        (err: unknown) => {
          this.log.error({ err }, 'unexpected failure handling a message');
          done();
        },
      );
    };
    client.on('connect', () => this.subscribe(client));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync();
  }

  private subscribe(client: MqttClient): void {
    const v5 = client.options.protocolVersion === 5;
    const batches = v5
      ? sharedFilter(this.opts.group, allGatewaysFilter('batch'))
      : allGatewaysFilter('batch');
    // Status and heartbeats are small, retained and idempotent: every instance takes them all.
    const topics = [batches, allGatewaysFilter('status'), allGatewaysFilter('heartbeat')];
    client.subscribe(topics, { qos: 1 }, (err, granted) => {
      const refused = granted?.filter((g) => g.qos === 128) ?? [];
      if (err || refused.length > 0) {
        this.log.error({ err, refused: refused.map((g) => g.topic) }, 'subscription refused');
        return;
      }
      this.log.info({ batches, protocolVersion: client.options.protocolVersion }, 'aggregator subscribed');
      this.safeEmit('subscribed', { protocolVersion: client.options.protocolVersion ?? 4, shared: v5 });
    });
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const topic = packet.topic;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const t = parseGatewayTopic(topic);
    if (!t) {
      this.log.warn({ topic }, 'message on an unknown topic ignored');
      return;
    }
    switch (t.leaf) {
      case 'batch':
        return this.handleBatch(topic, t, payload);
      case 'status':
      case 'heartbeat':
        return this.handleStatus(topic, t, payload);
      case 'ack':
        return;
    }
  }

  private async handleBatch(topic: string, t: ParsedGatewayTopic, payload: Buffer): Promise<void> {
    const now = this.deps.clock.now();
    const parsed = parseBatch(topic, t, payload, now, this.opts.maxPayloadBytes ?? MAX_BATCH_PAYLOAD_BYTES);
    if (!parsed.ok) {
      this.stats_.malformedDropped += 1;
      if (parsed.rejected) this.stats_.batchesRejected += 1;
      await this.deadLetter(parsed.letter);
      return;
    }
    const { sorted, text } = parsed;
    const { batch, seqs, bad } = sorted;
    const outcome = await this.writeOwned(batch, topic, text);
    if (outcome === null) return;
    // Items the store refused (another gateway owns what they name): dead-lettered here and
    // reported in the ack, so the sender quarantines them; never acked as written.
    for (const c of outcome.conflicts) {
      const r = sorted.records[c.index]!;
      const id = r.seq ?? `${batch.batchId}#record${c.index}`;
      if (!(await this.deadLetter(itemLetter(t, topic, batch.batchId, id, c.reason, r.raw, now)))) return;
      if (r.seq !== null) bad.push(r.seq);
    }
    const reasons = [...batch.deadLetters.map((d) => d.reason), ...outcome.conflicts.map((c) => c.reason)];
    const items =
      batch.events.length +
      batch.records.length +
      batch.invalid.length +
      batch.hll.length -
      outcome.conflicts.length;
    this.stats_.batchesWritten += 1;
    this.stats_.itemsWritten += items;
    this.stats_.itemsDeadLettered += reasons.length;
    if (reasons.length > 0) {
      this.log.error(
        { batchId: batch.batchId, gatewayId: t.gatewayId, count: reasons.length },
        'batch items dead-lettered',
      );
    }
    this.safeEmit('written', { site: t.site, gatewayId: t.gatewayId, batchId: batch.batchId, items });
    this.ack(t, {
      schemaVersion: SCHEMA_VERSION,
      batchId: batch.batchId,
      seqs,
      status: 'ok',
      ...(bad.length > 0 ? { deadLettered: bad, reason: reasons[0] ?? 'invalid item' } : {}),
    });
  }

  /**
   * Refuses records of sessions the campus data gives to other gateways, then
   * writes the rest; conflicts come back indexed in the batch's original records.
   */
  private async writeOwned(batch: CentralBatch, topic: string, text: string): Promise<WriteOutcome | null> {
    if (!this.ownership || batch.records.length === 0) return this.writeWithRetry(batch, topic, text);
    let verdict;
    try {
      verdict = await judgeOwnership(batch, batch.records, this.ownership);
    } catch (err) {
      // Not acknowledged: the gateway sends the batch again.
      this.stats_.writeFailures += 1;
      this.log.warn({ err, batchId: batch.batchId }, 'session owners unavailable; batch not written');
      return null;
    }
    const refused = new Set(verdict.refused.map((c) => c.index));
    const kept = [...batch.records.keys()].filter((i) => !refused.has(i));
    const outcome = await this.writeWithRetry(
      { ...batch, records: kept.map((i) => batch.records[i]!), ownedSessions: verdict.owned },
      topic,
      text,
    );
    if (outcome === null) return null;
    const conflicts: ItemConflict[] = [
      ...verdict.refused,
      ...outcome.conflicts.map((c) => ({ ...c, index: kept[c.index]! })),
    ];
    return { conflicts: conflicts.sort((a, b) => a.index - b.index) };
  }

  private async writeWithRetry(
    batch: CentralBatch,
    topic: string,
    text: string,
  ): Promise<WriteOutcome | null> {
    const attempts = this.opts.writeAttempts ?? 3;
    let lastErr: unknown;
    for (let i = 1; i <= attempts; i++) {
      try {
        return await this.deps.store.writeBatch(batch);
      } catch (err) {
        lastErr = err;
        this.log.warn({ err, batchId: batch.batchId, attempt: i }, 'central write failed');
        if (i < attempts) await sleep((this.opts.writeRetryDelayMs ?? 200) * 2 ** (i - 1));
      }
    }
    // Not acknowledged: the gateway keeps the rows and sends them again later.
    this.stats_.writeFailures += 1;
    const t = { site: batch.site, gatewayId: batch.gatewayId };
    await this.deadLetter({
      key: `${t.site}/${t.gatewayId}/unwritable/${batch.batchId}`,
      site: t.site,
      gatewayId: t.gatewayId,
      topic,
      batchId: batch.batchId,
      reason: `unwritable: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`,
      payload: text,
      at: this.deps.clock.now(),
    });
    return null;
  }

  private async handleStatus(topic: string, t: ParsedGatewayTopic, payload: Buffer): Promise<void> {
    if (payload.length === 0) return; // retained message cleared
    try {
      const json: unknown = JSON.parse(payload.toString('utf8'));
      if (t.leaf === 'status') {
        const s = statusSchema.parse(json);
        if (s.site !== t.site || s.gatewayId !== t.gatewayId) throw new Error('status names another gateway');
        await this.deps.store.writeGatewayStatus({
          site: t.site,
          gatewayId: t.gatewayId,
          state: s.state,
          ...(s.version !== undefined ? { version: s.version } : {}),
          at: s.at ?? this.deps.clock.now(),
        });
      } else {
        const h = heartbeatSchema.parse(json);
        if (h.site !== t.site || h.gatewayId !== t.gatewayId)
          throw new Error('heartbeat names another gateway');
        await this.deps.store.writeGatewayStatus({
          site: t.site,
          gatewayId: t.gatewayId,
          version: h.health.version,
          health: h.health,
          at: h.at,
        });
      }
    } catch (err) {
      this.log.warn({ err, topic }, 'status message not recorded');
    }
  }

  private ack(t: { site: string; gatewayId: string }, body: Omit<Ack, 'at'>): void {
    const client = this.client;
    if (!client) return;
    const ack: Ack = { ...body, at: this.deps.clock.now() };
    // Not awaited: the PUBACK for it is read by the same packet loop that is waiting for us.
    client.publish(gatewayTopic(t.site, t.gatewayId, 'ack'), JSON.stringify(ack), { qos: 1 }, (err) => {
      if (err)
        this.log.warn({ err, batchId: ack.batchId }, 'ack not confirmed by broker; the gateway will resend');
    });
  }

  private async deadLetter(dl: DeadLetterInput): Promise<boolean> {
    this.log.error({ topic: dl.topic, batchId: dl.batchId, reason: dl.reason }, 'dead-lettered');
    try {
      await this.deps.store.writeDeadLetter(dl);
      this.safeEmit('deadLettered', { topic: dl.topic, reason: dl.reason });
      return true;
    } catch (err) {
      this.log.error({ err, topic: dl.topic }, 'dead-letter write failed');
      return false;
    }
  }

  private safeEmit<K extends keyof AggregatorEvents>(event: K, ...args: AggregatorEvents[K]): void {
    for (const listener of this.listeners(event) as ((...a: AggregatorEvents[K]) => void)[]) {
      try {
        listener(...args);
      } catch (err) {
        this.log.error({ err, event }, 'aggregator listener threw');
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
