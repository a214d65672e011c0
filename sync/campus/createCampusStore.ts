import type { AggregatorConfig } from '../../gateway/config/schema.ts';
import type { Logger } from '../../kernel/log.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { CampusStore } from './campusStore.ts';
import { CassandraCampusStore } from './cassandraCampusStore.ts';
import { SqliteCampusStore } from './sqliteCampusStore.ts';

/**
 * The campus store the aggregator's configuration names (not started):
 * `aggregator.campusSqlitePath` when set; otherwise the central store's own
 * backend, the central SQLite file (store sqlite) or the `aggregator.cassandra`
 * keyspace (store cassandra, tables campus_*).
 */
export function createCampusStore(cfg: AggregatorConfig, site: SiteTime, log: Logger): CampusStore {
  if (cfg.campusSqlitePath !== undefined) return new SqliteCampusStore(cfg.campusSqlitePath, site);
  if (cfg.store === 'sqlite') return new SqliteCampusStore(cfg.sqlitePath, site);
  const c = cfg.cassandra;
  return new CassandraCampusStore(
    {
      contactPoints: c.contactPoints,
      localDataCenter: c.localDataCenter,
      keyspace: c.keyspace,
      consistency: c.consistency,
      ...(c.replication !== undefined ? { replication: c.replication } : {}),
      ...(c.readConsistency !== undefined ? { readConsistency: c.readConsistency } : {}),
      ...(c.tls !== undefined ? { tls: c.tls } : {}),
      ...(c.username !== undefined ? { username: c.username } : {}),
      ...(c.password !== undefined ? { password: c.password } : {}),
    },
    log,
    site,
  );
}
