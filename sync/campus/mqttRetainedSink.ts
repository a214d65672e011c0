import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from '../../kernel/log.ts';
import { brokerAuth, createMqttClient, type BrokerAuth } from '../mqttConnect.ts';
import type { RetainedSink } from './configPublisher.ts';

/**
 * An MQTT client of the centre that publishes retained QoS 1 messages; a
 * publication resolves once the broker acknowledged it (the client queues
 * while disconnected and sends on reconnect).
 */
export class MqttRetainedSink implements RetainedSink {
  private client: MqttClient | null = null;

  constructor(
    private readonly opts: { url: string } & BrokerAuth,
    private readonly log: Logger,
  ) {}

  start(): Promise<void> {
    this.client = createMqttClient(
      {
        url: this.opts.url,
        clientId: `hallgate-central-config-${randomUUID().slice(0, 8)}`,
        protocol: 'auto',
        reconnectMinMs: 250,
        reconnectMaxMs: 10_000,
        ...brokerAuth(this.opts),
      },
      this.log.child({ module: 'config-sink' }),
    );
    return Promise.resolve();
  }

  async publishRetained(topic: string, payload: string): Promise<void> {
    if (!this.client) throw new Error('configuration sink not started');
    await this.client.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await c.endAsync();
  }
}
