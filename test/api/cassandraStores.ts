import { silentLogger } from '../../kernel/log.ts';
import { CassandraCentralStore } from '../../sync/aggregator/cassandraCentralStore.ts';
import { CassandraCampusStore } from '../../sync/campus/cassandraCampusStore.ts';
import { cassandraTarget, dropKeyspace, freshKeyspace, testStoreOptions } from '../helpers/cassandra.ts';
import type { Stores } from './fixtures.ts';

/**
 * Both central stores on the Cassandra node of CASSANDRA_CONTACT_POINTS, in one fresh keyspace
 * (replication factor 1, as `aggregator.store: cassandra` puts them), started and empty; the
 * cleanup stops them and drops the keyspace.
 */
export async function cassandraStores(): Promise<Stores> {
  const target = cassandraTarget();
  if (!target) throw new Error('no Cassandra node (CASSANDRA_CONTACT_POINTS)');
  const keyspace = freshKeyspace();
  const opts = testStoreOptions(target, keyspace, { consistency: 'one' });
  const central = new CassandraCentralStore(opts, silentLogger());
  const campus = new CassandraCampusStore(opts, silentLogger());
  await central.start();
  await campus.start();
  return {
    campus,
    central,
    cleanup: async () => {
      await campus.stop();
      await central.stop();
      await dropKeyspace(target, keyspace);
    },
  };
}
