import type { AggregatorConfig, MqttConfig } from '../../gateway/config/schema.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { Logger } from '../../kernel/log.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { brokerAuthFromConfig } from '../mqttConnect.ts';
import { Aggregator } from './aggregator.ts';
import { CassandraCentralStore } from './cassandraCentralStore.ts';
import type { CentralStore } from './centralStore.ts';
import { SqliteCentralStore } from './sqliteCentralStore.ts';

/** The central store the configuration names (not started). */
export function createCentralStore(cfg: AggregatorConfig, log: Logger): CentralStore {
  switch (cfg.store) {
    case 'sqlite':
      return new SqliteCentralStore(cfg.sqlitePath, cfg.deadLetters, { synchronous: cfg.sqliteSynchronous });
    case 'cassandra':
      return new CassandraCentralStore(
        {
          contactPoints: cfg.cassandra.contactPoints,
          localDataCenter: cfg.cassandra.localDataCenter,
          keyspace: cfg.cassandra.keyspace,
          consistency: cfg.cassandra.consistency,
          maxConcurrentWrites: cfg.cassandra.maxConcurrentWrites,
          ...(cfg.cassandra.replication !== undefined ? { replication: cfg.cassandra.replication } : {}),
          ...(cfg.cassandra.readConsistency !== undefined
            ? { readConsistency: cfg.cassandra.readConsistency }
            : {}),
          ...(cfg.cassandra.tls !== undefined ? { tls: cfg.cassandra.tls } : {}),
          ...(cfg.cassandra.username !== undefined ? { username: cfg.cassandra.username } : {}),
          ...(cfg.cassandra.password !== undefined ? { password: cfg.cassandra.password } : {}),
          deadLetters: cfg.deadLetters,
        },
        log,
      );
  }
}

/** Starts a central store; a failure names the store (file or keyspace) and the setting. */
export async function startCentralStore(store: CentralStore, cfg: AggregatorConfig): Promise<void> {
  try {
    await store.start();
  } catch (err) {
    const where =
      cfg.store === 'sqlite'
        ? `${cfg.sqlitePath} (aggregator.sqlitePath)`
        : `keyspace ${cfg.cassandra.keyspace} at ${cfg.cassandra.contactPoints.join(', ')} (aggregator.cassandra)`;
    throw new HallgateError(
      'CENTRAL_STORE_UNAVAILABLE',
      `cannot open central store ${where}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

export interface RunningAggregator {
  store: CentralStore;
  aggregator: Aggregator;
  /** Stops the aggregator, then the store. */
  stop(): Promise<void>;
}

/**
 * Starts the store, then the aggregator on the broker `mqtt` names (url,
 * credentials, TLS files). Used by `hallgate aggregator` and by the demo
 * (with `url` pointing at the embedded broker).
 */
export async function startAggregator(
  cfg: {
    aggregator: AggregatorConfig;
    mqtt: Pick<MqttConfig, 'url' | 'username' | 'password' | 'caFile' | 'certFile' | 'keyFile'>;
  },
  deps: { log: Logger; clock: Clock },
): Promise<RunningAggregator> {
  const store = createCentralStore(cfg.aggregator, deps.log);
  await startCentralStore(store, cfg.aggregator);
  const aggregator = new Aggregator(
    { url: cfg.mqtt.url, group: cfg.aggregator.group, ...brokerAuthFromConfig(cfg.mqtt) },
    { store, log: deps.log, clock: deps.clock },
  );
  try {
    await aggregator.start();
  } catch (err) {
    await store.stop();
    throw err;
  }
  return {
    store,
    aggregator,
    stop: async () => {
      await aggregator.stop();
      await store.stop();
    },
  };
}
