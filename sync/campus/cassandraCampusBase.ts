import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { HallgateError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import type { Thresholds } from '../../rules/types.ts';
import { cassandraClient, shutdownClient } from '../aggregator/cassandraClient.ts';
import type { CassandraStoreOptions } from '../aggregator/cassandraCentralStore.ts';
import type { AtRiskState, DeliveryState, WebhookDelivery } from './campusStore.ts';

const { types } = cassandra;
export type Row = cassandra.types.Row;

export const CAMPUS_CQL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cql');

/** The connection of a campus store: the central store's, without its write tuning. */
export type CassandraCampusOptions = Pick<
  CassandraStoreOptions,
  | 'contactPoints'
  | 'localDataCenter'
  | 'keyspace'
  | 'username'
  | 'password'
  | 'replication'
  | 'consistency'
  | 'readConsistency'
  | 'tls'
>;

/** A schema change waits for every node's agreement: slower than a read on a busy machine. */
const SCHEMA_TIMEOUT_MS = 60_000;

/** The constant partition of the single-partition list tables. */
export const ALL = 'all';

/** A bigint/int column as a number (null stays null). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(String(v));
}
export const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const long = (n: number | null) => (n === null ? null : types.Long.fromNumber(n));

/**
 * The connection half of CassandraCampusStore: client, campus migrations
 * (sync/campus/cql/, recorded in `<keyspace>.campus_schema_migrations`),
 * prepared reads and writes, and the operational tables (settings, config
 * versions, at-risk states, webhook deliveries).
 */
export abstract class CassandraCampusBase {
  private client: cassandra.Client | null = null;
  protected readonly ks: string;
  protected readonly log: Logger;

  constructor(
    protected readonly opts: CassandraCampusOptions,
    log: Logger,
  ) {
    this.ks = opts.keyspace;
    this.log = log.child({ module: 'cassandra-campus' });
  }

  private get c(): cassandra.Client {
    if (!this.client) throw new HallgateError('STORE_NOT_STARTED', 'campus store not started');
    return this.client;
  }

  async start(): Promise<void> {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(this.ks)) {
      throw new HallgateError('CONFIG_INVALID', `invalid Cassandra keyspace name '${this.ks}'`);
    }
    const client = cassandraClient(this.opts);
    try {
      await client.connect();
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      const reason = `cannot connect to Cassandra: ${(err as Error).message}`;
      throw new HallgateError('CENTRAL_STORE_UNAVAILABLE', reason, { cause: err });
    }
    this.client = client;
    await this.migrate();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await shutdownClient(client);
  }

  /** Creates the keyspace if missing, then applies each campus CQL file not yet recorded. */
  async migrate(): Promise<string[]> {
    const replication =
      this.opts.replication ??
      `{'class': 'NetworkTopologyStrategy', '${this.opts.localDataCenter.replace(/'/g, "''")}': 3}`;
    await this.c.execute(`CREATE KEYSPACE IF NOT EXISTS ${this.ks} WITH replication = ${replication}`, [], {
      readTimeout: SCHEMA_TIMEOUT_MS,
    });
    await this.c.execute(
      `CREATE TABLE IF NOT EXISTS ${this.ks}.campus_schema_migrations (name text PRIMARY KEY, applied_at timestamp)`,
    );
    const done = new Set(
      (await this.c.execute(`SELECT name FROM ${this.ks}.campus_schema_migrations`)).rows.map(
        (r) => r['name'] as string,
      ),
    );
    const applied: string[] = [];
    for (const f of readdirSync(CAMPUS_CQL_DIR)
      .filter((n) => /^\d{3}_[\w-]+\.cql$/.test(n))
      .sort()) {
      if (done.has(f)) continue;
      const cql = readFileSync(join(CAMPUS_CQL_DIR, f), 'utf8').replaceAll('{{keyspace}}', this.ks);
      for (const stmt of statements(cql)) await this.c.execute(stmt, [], { readTimeout: SCHEMA_TIMEOUT_MS });
      await this.write(`INSERT INTO ${this.ks}.campus_schema_migrations (name, applied_at) VALUES (?, ?)`, [
        f,
        new Date(),
      ]);
      applied.push(f);
      this.log.info({ migration: f }, 'campus CQL migration applied');
    }
    return applied;
  }

  /** Rows of a prepared read (every page), `ks` replacing {ks}. */
  protected async rows(cql: string, params: unknown[] = []): Promise<Row[]> {
    const out: Row[] = [];
    const q = cql.replaceAll('{ks}', this.ks);
    const opts = { prepare: true, consistency: this.level(this.opts.readConsistency), fetchSize: 5000 };
    let pageState: string | undefined;
    do {
      const rs = await this.c.execute(q, params, { ...opts, ...(pageState ? { pageState } : {}) });
      out.push(...rs.rows);
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  protected async row(cql: string, params: unknown[] = []): Promise<Row | null> {
    return (await this.rows(cql, params))[0] ?? null;
  }

  /** One prepared write at the write consistency; `serial` for lightweight transactions. */
  protected async write(cql: string, params: unknown[]): Promise<cassandra.types.ResultSet> {
    return this.c.execute(cql.replaceAll('{ks}', this.ks), params, {
      prepare: true,
      consistency: this.level(undefined),
      serialConsistency: types.consistencies.localSerial,
    });
  }

  protected async writeAll(writes: [string, unknown[]][]): Promise<void> {
    for (const [cql, params] of writes) await this.write(cql, params);
  }

  private level(read: CassandraCampusOptions['consistency']): number {
    return types.consistencies[read ?? this.opts.consistency ?? 'localQuorum'];
  }

  // ---- settings, versions, at-risk, webhook --------------------------------------

  async siteThresholds(): Promise<Partial<Thresholds>> {
    const r = await this.row("SELECT value FROM {ks}.campus_settings WHERE key = 'thresholds'");
    return r ? (JSON.parse(r['value'] as string) as Partial<Thresholds>) : {};
  }

  async putSiteThresholds(t: Partial<Thresholds>): Promise<void> {
    await this.write("INSERT INTO {ks}.campus_settings (key, value) VALUES ('thresholds', ?)", [
      JSON.stringify(t),
    ]);
  }

  /** Compare-and-set on the kind's row (LWT), retried until this caller wins a version. */
  async nextConfigVersion(kind: string, atLeast = 1): Promise<number> {
    for (;;) {
      const cur = await this.row(
        'SELECT version FROM {ks}.campus_config_versions WHERE part = ? AND kind = ?',
        [ALL, kind],
      );
      if (!cur) {
        const rs = await this.write(
          'INSERT INTO {ks}.campus_config_versions (part, kind, version) VALUES (?, ?, ?) IF NOT EXISTS',
          [ALL, kind, long(atLeast)],
        );
        if (rs.wasApplied()) return atLeast;
        continue;
      }
      const was = num(cur['version']);
      const next = Math.max(was + 1, atLeast);
      const rs = await this.write(
        'UPDATE {ks}.campus_config_versions SET version = ? WHERE part = ? AND kind = ? IF version = ?',
        [long(next), ALL, kind, long(was)],
      );
      if (rs.wasApplied()) return next;
    }
  }

  async configVersions(): Promise<Record<string, number>> {
    const rows = await this.rows('SELECT kind, version FROM {ks}.campus_config_versions WHERE part = ?', [
      ALL,
    ]);
    return Object.fromEntries(rows.map((r) => [r['kind'] as string, num(r['version'])]));
  }

  async putAtRisk(s: AtRiskState): Promise<void> {
    await this.write(
      `INSERT INTO {ks}.campus_at_risk (course_id, student_id, at_risk, rate, changed_at) VALUES (?, ?, ?, ?, ?)`,
      [s.courseId, s.studentId, s.atRisk, s.rate, long(s.changedAt)],
    );
  }

  async atRiskStates(courseId: string): Promise<AtRiskState[]> {
    const rows = await this.rows(
      'SELECT student_id, at_risk, rate, changed_at FROM {ks}.campus_at_risk WHERE course_id = ?',
      [courseId],
    );
    return rows.map((r) => ({
      courseId,
      studentId: r['student_id'] as string,
      atRisk: r['at_risk'] as boolean,
      rate: numOrNull(r['rate']),
      changedAt: num(r['changed_at']),
    }));
  }

  /** The delivery by id, and in its state's partition (moved out of the previous state's). */
  async putDelivery(d: WebhookDelivery): Promise<void> {
    const old = await this.row('SELECT state, created_at FROM {ks}.campus_webhook_deliveries WHERE id = ?', [
      d.id,
    ]);
    const cols = [d.event, d.body, d.attempts, long(d.nextAttemptAt), d.lastError, long(d.updatedAt)];
    const writes: [string, unknown[]][] = [
      [
        `INSERT INTO {ks}.campus_webhook_deliveries (id, state, created_at, event, body, attempts, next_attempt_at,
           last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [d.id, d.state, long(d.createdAt), ...cols],
      ],
      [
        `INSERT INTO {ks}.campus_deliveries_by_state (state, created_at, id, event, body, attempts, next_attempt_at,
           last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [d.state, long(d.createdAt), d.id, ...cols],
      ],
    ];
    if (old && (old['state'] !== d.state || num(old['created_at']) !== d.createdAt)) {
      writes.unshift([
        'DELETE FROM {ks}.campus_deliveries_by_state WHERE state = ? AND created_at = ? AND id = ?',
        [old['state'], old['created_at'], d.id],
      ]);
    }
    await this.writeAll(writes);
  }

  async deliveries(state?: DeliveryState): Promise<WebhookDelivery[]> {
    const rows = state
      ? await this.rows('SELECT * FROM {ks}.campus_deliveries_by_state WHERE state = ?', [state])
      : await this.rows('SELECT * FROM {ks}.campus_webhook_deliveries');
    return rows.map(toDelivery).sort((a, b) => a.createdAt - b.createdAt || cmp(a.id, b.id));
  }
}

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: r['id'] as string,
    event: r['event'] as string,
    body: r['body'] as string,
    state: r['state'] as DeliveryState,
    attempts: num(r['attempts']),
    nextAttemptAt: numOrNull(r['next_attempt_at']),
    lastError: (r['last_error'] as string | null) ?? null,
    createdAt: num(r['created_at']),
    updatedAt: num(r['updated_at']),
  };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function statements(cql: string): string[] {
  return cql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
