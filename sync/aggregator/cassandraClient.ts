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
