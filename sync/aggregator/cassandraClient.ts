import cassandra from 'cassandra-driver';
import { cassandraSslOptions, type CassandraTls } from './cassandraTls.ts';
import { replicatedOnEveryNode } from './cassandraWriteGroups.ts';

const { Client, policies } = cassandra;

export interface CassandraConnection {
  contactPoints: string[];
  localDataCenter: string;
  username?: string;
  password?: string;
  tls?: CassandraTls;
}

/** The driver's client (not connected) for a store's connection options. */
export function cassandraClient(c: CassandraConnection): cassandra.Client {
  return new Client({
    contactPoints: c.contactPoints,
    localDataCenter: c.localDataCenter,
    ...(c.username !== undefined
      ? { credentials: { username: c.username, password: c.password ?? '' } }
      : {}),
    ...(c.tls ? { sslOptions: cassandraSslOptions(c.tls) } : {}),
    // A node that was down is tried again within 10 s (the driver's default grows to 10 min):
    // meanwhile writes fail, the aggregator acks nothing and the gateways keep their outboxes.
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(250, 10_000, false) },
  });
}

/** May a write batch span partitions in `keyspace`? (see replicatedOnEveryNode) */
export async function batchesMaySpanPartitions(
  client: cassandra.Client,
  keyspace: string,
  localDataCenter: string,
): Promise<boolean> {
  const rs = await client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [
    keyspace,
  ]);
  const replication = (rs.first()?.['replication'] ?? {}) as Record<string, string>;
  return replicatedOnEveryNode(replication, client.hosts.values(), localDataCenter);
}

/**
 * Shuts the client down, then each of its hosts again: cassandra-driver 4.x can restart a host's
 * health timer and reconnection attempt when a reconnect after an outage races with shutdown()
 * (two timers left, the process never exits). Host.shutdown() clears what is there at the time
 * (it is internal to the driver, hence the cast); a reconnect completing later can still start
 * them again, which is why test/sync/cassandraOutage.test.ts runs its aggregator in a child process.
 */
export async function shutdownClient(client: cassandra.Client): Promise<void> {
  await client.shutdown();
  const hosts = client.hosts.values() as unknown as { shutdown(waitForPending: boolean): Promise<void> }[];
  await Promise.all(hosts.map((h) => h.shutdown(false).catch(() => undefined)));
}
