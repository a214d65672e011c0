import { randomBytes } from 'node:crypto';
import cassandra from 'cassandra-driver';
import { silentLogger } from '../../kernel/log.ts';
import {
  CassandraCentralStore,
  type CassandraStoreOptions,
} from '../../sync/aggregator/cassandraCentralStore.ts';

/**
 * The Cassandra node the tests run against: CASSANDRA_CONTACT_POINTS (host or host:port, comma
 * separated), CASSANDRA_DC (default datacenter1), CASSANDRA_USERNAME/PASSWORD. scripts/test.sh and
 * `npm run test:cassandra` start a real node (scripts/cassandra.sh) and set them, with
 * HALLGATE_REQUIRE_CASSANDRA=1: then a missing node is a failure, never a skip.
 */
export interface CassandraTarget {
  contactPoints: string[];
  localDataCenter: string;
  username?: string;
  password?: string;
}

export function cassandraTarget(): CassandraTarget | null {
  const points = (process.env.CASSANDRA_CONTACT_POINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (points.length === 0) return null;
  return {
    contactPoints: points,
    localDataCenter: process.env.CASSANDRA_DC ?? 'datacenter1',
    ...(process.env.CASSANDRA_USERNAME !== undefined
      ? { username: process.env.CASSANDRA_USERNAME, password: process.env.CASSANDRA_PASSWORD ?? '' }
      : {}),
  };
}

/** `skip` value for a describe(): false with a node, a message without (an error when one is required). */
export function cassandraSkip(): string | false {
  if (cassandraTarget()) return false;
  if (process.env.HALLGATE_REQUIRE_CASSANDRA === '1') {
    throw new Error('HALLGATE_REQUIRE_CASSANDRA=1 but CASSANDRA_CONTACT_POINTS is not set');
  }
  return 'Cassandra tests skipped: no CASSANDRA_CONTACT_POINTS (bash scripts/test.sh and npm run test:cassandra start a node)';
}

/** A fresh keyspace name (each test gets its own; dropKeyspace removes it). */
export function freshKeyspace(): string {
  return `hallgate_test_${randomBytes(5).toString('hex')}`;
}

/** Store options for a single test node: replication factor 1, the given keyspace. */
export function testStoreOptions(
  target: CassandraTarget,
  keyspace: string,
  over: Partial<CassandraStoreOptions> = {},
): CassandraStoreOptions {
  return {
    ...target,
    keyspace,
    replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    ...over,
  };
}

/** A started store on a fresh keyspace, and a cleanup that stops it and drops the keyspace. */
export async function freshCassandraStore(
  over: Partial<CassandraStoreOptions> = {},
): Promise<{ store: CassandraCentralStore; keyspace: string; cleanup: () => Promise<void> }> {
  const target = cassandraTarget();
  if (!target) throw new Error('no Cassandra node (CASSANDRA_CONTACT_POINTS)');
  const keyspace = freshKeyspace();
  const store = new CassandraCentralStore(testStoreOptions(target, keyspace, over), silentLogger());
  await store.start();
  return {
    store,
    keyspace,
    cleanup: async () => {
      await store.stop();
      await dropKeyspace(target, keyspace);
    },
  };
}

export async function dropKeyspace(target: CassandraTarget, keyspace: string): Promise<void> {
  const admin = new cassandra.Client({
    contactPoints: target.contactPoints,
    localDataCenter: target.localDataCenter,
    ...(target.username !== undefined
      ? { credentials: { username: target.username, password: target.password ?? '' } }
      : {}),
    // Dropping a keyspace of many tables flushes each: on a busy 2-core machine it can take longer
    // than the driver's 12 s default.
    socketOptions: { readTimeout: 120_000 },
  });
  await admin.connect();
  try {
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  } finally {
    await admin.shutdown();
  }
}
