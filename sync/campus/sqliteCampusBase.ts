import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { HallgateError } from '../../kernel/errors.ts';
import type { Thresholds } from '../../rules/types.ts';
import { CAMPUS_MIGRATIONS } from './campusMigrations.ts';
import type { AtRiskState, DeliveryState, WebhookDelivery } from './campusStore.ts';

const DELIVERY_COLS = `id, event, body, state, attempts, next_attempt_at AS nextAttemptAt, last_error AS lastError,
  created_at AS createdAt, updated_at AS updatedAt`;

/**
 * The connection half of SqliteCampusStore: opening and migrating the file,
 * query helpers, and the operational tables (settings, published versions,
 * at-risk states, webhook deliveries).
 */
export abstract class SqliteCampusBase {
  protected db: Database | null = null;

  constructor(private readonly path: string) {}

  protected get d(): Database {
    if (!this.db) throw new HallgateError('STORE_NOT_STARTED', 'campus store not started');
    return this.db;
  }

  start(): Promise<void> {
    if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
    const db = new BetterSqlite3(this.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    db.transaction(() => {
      const done = new Set(
        (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name),
      );
      for (const m of CAMPUS_MIGRATIONS) {
        if (done.has(m.name)) continue;
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(m.name, Date.now());
      }
    }).immediate();
    this.db = db;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  protected all<T>(sql: string, ...args: unknown[]): Promise<T[]> {
    return Promise.resolve(this.d.prepare(sql).all(...args) as T[]);
  }

  protected one<T>(sql: string, ...args: unknown[]): Promise<T | null> {
    return Promise.resolve((this.d.prepare(sql).get(...args) as T | undefined) ?? null);
  }

  protected write(fn: (db: Database) => void): Promise<void> {
    const db = this.d;
    db.transaction(() => fn(db))();
    return Promise.resolve();
  }

  // ---- settings, versions, at-risk, webhook --------------------------------------

  async siteThresholds(): Promise<Partial<Thresholds>> {
    const r = await this.one<{ value: string }>("SELECT value FROM campus_settings WHERE key = 'thresholds'");
    return r ? (JSON.parse(r.value) as Partial<Thresholds>) : {};
  }

  putSiteThresholds(t: Partial<Thresholds>): Promise<void> {
    return this.write((db) => {
      db.prepare(
        `INSERT INTO campus_settings (key, value) VALUES ('thresholds', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ).run(JSON.stringify(t));
    });
  }

  nextConfigVersion(kind: string, atLeast = 1): Promise<number> {
    const row = this.d
      .prepare(
        `INSERT INTO campus_config_versions (kind, version) VALUES (?, ?)
         ON CONFLICT (kind) DO UPDATE SET version = max(version + 1, excluded.version) RETURNING version`,
      )
      .get(kind, atLeast) as { version: number };
    return Promise.resolve(row.version);
  }

  async configVersions(): Promise<Record<string, number>> {
    const rows = await this.all<{ kind: string; version: number }>(
      'SELECT kind, version FROM campus_config_versions ORDER BY kind',
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.version]));
  }

  putAtRisk(s: AtRiskState): Promise<void> {
    return this.write((db) => {
      db.prepare(
        `INSERT INTO campus_at_risk (course_id, student_id, at_risk, rate, changed_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (course_id, student_id) DO UPDATE SET at_risk = excluded.at_risk, rate = excluded.rate,
           changed_at = excluded.changed_at`,
      ).run(s.courseId, s.studentId, s.atRisk ? 1 : 0, s.rate, s.changedAt);
    });
  }

  async atRiskStates(courseId: string): Promise<AtRiskState[]> {
    const rows = await this.all<{
      studentId: string;
      atRisk: number;
      rate: number | null;
      changedAt: number;
    }>(
      `SELECT student_id AS studentId, at_risk AS atRisk, rate, changed_at AS changedAt
       FROM campus_at_risk WHERE course_id = ? ORDER BY student_id`,
      courseId,
    );
    return rows.map((r) => ({ courseId, ...r, atRisk: r.atRisk === 1 }));
  }

  putDelivery(d: WebhookDelivery): Promise<void> {
    return this.write((db) => {
      db.prepare(
        `INSERT INTO campus_webhook_deliveries
           (id, event, body, state, attempts, next_attempt_at, last_error, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts,
           next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error,
           updated_at = excluded.updated_at`,
      ).run(
        d.id,
        d.event,
        d.body,
        d.state,
        d.attempts,
        d.nextAttemptAt,
        d.lastError,
        d.createdAt,
        d.updatedAt,
      );
    });
  }

  deliveries(state?: DeliveryState): Promise<WebhookDelivery[]> {
    return state
      ? this.all(
          `SELECT ${DELIVERY_COLS} FROM campus_webhook_deliveries WHERE state = ? ORDER BY created_at, id`,
          state,
        )
      : this.all(`SELECT ${DELIVERY_COLS} FROM campus_webhook_deliveries ORDER BY created_at, id`);
  }
}
