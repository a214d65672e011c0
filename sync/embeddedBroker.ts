import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { HallgateError } from '../kernel/errors.ts';
import type { Logger } from '../kernel/log.ts';

export interface EmbeddedBrokerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

/**
 * An in-process MQTT broker (aedes) on a loopback port, for the one-command
 * demo and tests. aedes speaks MQTT 3.1.1 only: clients with protocol 'auto'
 * fall back to it, and the aggregator uses a plain subscription.
 * Messages live in memory: a restart of the process loses what the broker held,
 * which the end-to-end ack protocol tolerates (unacked batches are resent).
 */
export class EmbeddedBroker {
  private broker: Aedes | null = null;
  private server: Server | null = null;
  private readonly log: Logger;

  constructor(
    private readonly opts: EmbeddedBrokerOptions,
    log: Logger,
  ) {
    this.log = log.child({ module: 'broker' });
  }

  /** mqtt://host:port of the running broker. */
  get url(): string {
    if (!this.server) throw new HallgateError('BROKER_NOT_STARTED', 'embedded broker not started');
    const a = this.server.address() as AddressInfo;
    return `mqtt://${this.opts.host ?? '127.0.0.1'}:${a.port}`;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker();
    broker.on('clientError', (client, err) => this.log.debug({ err, clientId: client.id }, 'client error'));
    const server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) =>
        reject(
          new HallgateError('BROKER_LISTEN_FAILED', `embedded broker cannot listen: ${err.message}`, {
            cause: err,
          }),
        ),
      );
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.broker = broker;
    this.server = server;
    this.log.info({ url: this.url }, 'embedded MQTT broker listening (MQTT 3.1.1)');
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = null;
    this.broker = null;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
