import type { AggregatorConfig } from '../../gateway/config/schema.ts';
import type { Clock } from '../../gateway/clock.ts';
import type { Logger } from '../../gateway/log.ts';
import type { RunningAggregator } from '../aggregator/startAggregator.ts';
import type { CampusStore } from '../campus/campusStore.ts';
import { SqliteCampusStore } from '../campus/sqliteCampusStore.ts';
import type { ApiToken } from './auth.ts';
import { startApi, type RunningApi } from './startApi.ts';

export interface CentralServices {
  campus: CampusStore;
  api: RunningApi;
  /** Stops the API, then the campus store (the aggregator is stopped by its owner). */
  stop(): Promise<void>;
}

/**
 * The central side beside a running aggregator: the campus store
 * (aggregator.campusSqlitePath, by default the central SQLite file) and the HTTP API on http.host:http.port.
 * What `hallgate aggregator` and `hallgate demo` start when http.enabled.
 */
export async function serveCentral(
  cfg: AggregatorConfig,
  running: RunningAggregator,
  deps: { log: Logger; clock: Clock; extraTokens?: readonly ApiToken[] },
): Promise<CentralServices> {
  const campus = new SqliteCampusStore(
    cfg.campusSqlitePath ?? (cfg.store === 'sqlite' ? cfg.sqlitePath : 'var/campus.db'),
  );
  await campus.start();
  const api = await startApi(cfg, {
    campus,
    central: running.store,
    aggregator: running.aggregator,
    log: deps.log,
    clock: deps.clock,
    ...(deps.extraTokens ? { extraTokens: deps.extraTokens } : {}),
  });
  return {
    campus,
    api,
    stop: async () => {
      await api.stop();
      await campus.stop();
    },
  };
}
