import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import cassandra from 'cassandra-driver';
import { silentLogger } from '../../gateway/log.ts';
import { CassandraCentralStore } from '../../sync/aggregator/cassandraCentralStore.ts';
import { centralStoreContract } from './centralStore.contract.ts';

// Runs against a real cluster only: CASSANDRA_CONTACT_POINTS=host1,host2 [CASSANDRA_DC=datacenter1]
// [CASSANDRA_USERNAME=.. CASSANDRA_PASSWORD=..]. Each run uses a fresh keyspace and drops it.
const points = (process.env.CASSANDRA_CONTACT_POINTS ?? '').split(',').filter((s) => s.trim() !== '');
const dc = process.env.CASSANDRA_DC ?? 'datacenter1';
const skip =
  points.length === 0
    ? 'Cassandra contract tests skipped: set CASSANDRA_CONTACT_POINTS (and CASSANDRA_DC) to run them against a real cluster (see docs/sync.md)'
    : false;

centralStoreContract(
  'cassandra',
  async (limits) => {
    const keyspace = `hallgate_test_${randomBytes(4).toString('hex')}`;
    const creds =
      process.env.CASSANDRA_USERNAME !== undefined
        ? { username: process.env.CASSANDRA_USERNAME, password: process.env.CASSANDRA_PASSWORD ?? '' }
        : {};
    const store = new CassandraCentralStore(
      {
        contactPoints: points,
        localDataCenter: dc,
        keyspace,
        replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        consistency: 'one',
        ...(limits ? { deadLetters: limits } : {}),
        ...creds,
      },
      silentLogger(),
    );
    await store.start();
    return {
      store,
      cleanup: async () => {
        await store.stop();
        const admin = new cassandra.Client({
          contactPoints: points,
          localDataCenter: dc,
          ...(creds.username !== undefined
            ? { credentials: { username: creds.username, password: creds.password ?? '' } }
            : {}),
        });
        await admin.connect();
        await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
        await admin.shutdown();
      },
    };
  },
  skip,
);

const unreachable = (keyspace: string) =>
  new CassandraCentralStore(
    { contactPoints: ['127.0.0.1:1'], localDataCenter: 'dc1', keyspace },
    silentLogger(),
  );

it('Cassandra store start() fails with a coded error when no node answers', async () => {
  await assert.rejects(unreachable('attendance').start(), { code: 'CENTRAL_STORE_UNAVAILABLE' });
});

it('Cassandra store refuses a keyspace name that is not a CQL identifier', async () => {
  await assert.rejects(unreachable('attendance; DROP').start(), { code: 'CONFIG_INVALID' });
});
