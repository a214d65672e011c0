import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from '../kernel/log.ts';
import { jittered } from '../kernel/reconnectBackoff.ts';

/** Which MQTT version to speak: 'auto' tries 5 and falls back to 3.1.1 when the broker refuses it. */
export type MqttProtocol = 'auto' | 5 | 4;

export interface TlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Default true; only tests with self-made CAs on odd hostnames turn it off. */
  rejectUnauthorized?: boolean;
}

/** Broker credentials and TLS files, with absent ones left out (exactOptional-friendly spreading). */
export interface BrokerAuth {
  username?: string;
  password?: string;
  tls?: TlsFiles;
}

/** Keeps only the credentials and TLS files that are given. */
export function brokerAuth(o: BrokerAuth): BrokerAuth {
  return {
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
  };
}

/** Broker credentials and TLS files from the `mqtt` section of the configuration. */
export function brokerAuthFromConfig(m: {
  username?: string | undefined;
  password?: string | undefined;
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
}): BrokerAuth {
  const tls: TlsFiles = {
    ...(m.caFile ? { caFile: m.caFile } : {}),
    ...(m.certFile ? { certFile: m.certFile } : {}),
    ...(m.keyFile ? { keyFile: m.keyFile } : {}),
  };
  return brokerAuth({
    ...(m.username !== undefined ? { username: m.username } : {}),
    ...(m.password !== undefined ? { password: m.password } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
  });
}

export interface MqttConnectOptions {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  tls?: TlsFiles;
  protocol: MqttProtocol;
  will?: IClientOptions['will'];
  /** First reconnect delay; doubles on every failed attempt up to reconnectMaxMs. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  keepaliveSec?: number;
}

// CONNACK codes a broker sends for a protocol it does not speak (3.1.1: 1, MQTT 5: 0x84).
const UNSUPPORTED_PROTOCOL = new Set([1, 0x84]);

/**
 * Creates an auto-reconnecting MQTT client. With protocol 'auto' it offers
 * MQTT 5 and, when the broker refuses that version (aedes does), switches to
 * 3.1.1 for this and every later connection. Reconnects back off exponentially
 * and reset after a successful connection. TLS files are read here, once.
 * Callers check `client.options.protocolVersion` after 'connect'.
 */
export function createMqttClient(opts: MqttConnectOptions, log: Logger): MqttClient {
  const options: IClientOptions = {
    clientId: opts.clientId,
    protocolVersion: opts.protocol === 4 ? 4 : 5,
    clean: true,
    resubscribe: false,
    reconnectPeriod: opts.reconnectMinMs,
    reconnectOnConnackError: true,
    connectTimeout: 5000,
    keepalive: opts.keepaliveSec ?? 30,
    queueQoSZero: false,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.will ? { will: opts.will } : {}),
  };
  if (opts.tls) {
    if (opts.tls.caFile) options.ca = readFileSync(opts.tls.caFile);
    if (opts.tls.certFile) options.cert = readFileSync(opts.tls.certFile);
    if (opts.tls.keyFile) options.key = readFileSync(opts.tls.keyFile);
    options.rejectUnauthorized = opts.tls.rejectUnauthorized ?? true;
  }
  const client = mqtt.connect(opts.url, options);
  let delay = opts.reconnectMinMs;
  client.on('connect', () => {
    delay = opts.reconnectMinMs;
    client.options.reconnectPeriod = delay;
    log.info({ url: redact(opts.url), protocolVersion: client.options.protocolVersion }, 'mqtt connected');
  });
  client.on('close', () => {
    // Doubling, with jitter so gateways that lost the same broker do not come back in lockstep.
    delay = Math.min(delay * 2, opts.reconnectMaxMs);
    client.options.reconnectPeriod = jittered(delay);
  });
  client.on('error', (err: Error & { code?: unknown }) => {
    if (
      opts.protocol === 'auto' &&
      client.options.protocolVersion === 5 &&
      typeof err.code === 'number' &&
      UNSUPPORTED_PROTOCOL.has(err.code)
    ) {
      log.info('broker refuses MQTT 5; falling back to 3.1.1');
      client.options.protocolVersion = 4;
      delay = opts.reconnectMinMs;
      client.options.reconnectPeriod = delay;
      return;
    }
    log.warn({ err: { message: err.message, code: err.code } }, 'mqtt error');
  });
  return client;
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
