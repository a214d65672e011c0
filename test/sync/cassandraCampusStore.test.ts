import { silentLogger } from '../../kernel/log.ts';
import { CassandraCampusStore } from '../../sync/campus/cassandraCampusStore.ts';
import { cassandraSkip, cassandraTarget, dropKeyspace, freshKeyspace } from '../helpers/cassandra.ts';
import { campusStoreContract } from './campusStore.contract.ts';

// The campus contract on a real node (scripts/test.sh and `npm run test:cassandra` start one and set
// CASSANDRA_CONTACT_POINTS): a fresh keyspace, replication factor 1, dropped afterwards.
campusStoreContract(
  'cassandra',
  async () => {
    const target = cassandraTarget();
    if (!target) throw new Error('no Cassandra node (CASSANDRA_CONTACT_POINTS)');
    const keyspace = freshKeyspace();
    const store = new CassandraCampusStore(
      {
        ...target,
        keyspace,
        replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
        consistency: 'one',
      },
      silentLogger(),
    );
    await store.start();
    return {
      store,
      cleanup: async () => {
        await store.stop();
        await dropKeyspace(target, keyspace);
      },
    };
  },
  cassandraSkip(),
);
