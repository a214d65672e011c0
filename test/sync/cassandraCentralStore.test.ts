import assert from 'node:assert/strict';
import { it } from 'node:test';
import { silentLogger } from '../../kernel/log.ts';
import { CassandraCentralStore } from '../../sync/aggregator/cassandraCentralStore.ts';
import { cassandraSkip, freshCassandraStore } from '../helpers/cassandra.ts';
import { centralStoreContract } from './centralStore.contract.ts';

// Against a real node: scripts/test.sh and `npm run test:cassandra` start one (scripts/cassandra.sh)
// and set CASSANDRA_CONTACT_POINTS; set it yourself to use another cluster (see docs/sync.md).
// Each run uses a fresh keyspace (replication factor 1) and drops it.
centralStoreContract(
  'cassandra',
  (limits) => freshCassandraStore({ consistency: 'one', ...(limits ? { deadLetters: limits } : {}) }),
  cassandraSkip(),
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

it('Cassandra store names an unreadable TLS file with a coded error before connecting', async () => {
  const store = new CassandraCentralStore(
    {
      contactPoints: ['127.0.0.1:1'],
      localDataCenter: 'dc1',
      keyspace: 'attendance',
      tls: { caFile: '/nonexistent/hallgate-ca.pem' },
    },
    silentLogger(),
  );
  await assert.rejects(store.start(), {
    code: 'CONFIG_INVALID',
    message: "cannot read Cassandra TLS CA file '/nonexistent/hallgate-ca.pem'",
  });
});
