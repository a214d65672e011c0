import type { Database } from 'better-sqlite3';
import { boundDeadLetter } from './boundedDeadLetter.ts';
import type { DeadLetterInput, DeadLetterLimits, DeadLetterRow } from './centralStore.ts';

interface Row {
  key: string;
  site: string | null;
  gateway_id: string | null;
  topic: string;
  batch_id: string | null;
  reason: string;
  payload: string;
  at: number;
  attempts: number;
  payload_bytes: number | null;
  payload_sha256: string | null;
}

/**
 * The central SQLite store's dead letters: a bounded prefix of each payload
 * with its sha256 and size, at most `maxRows` rows (the oldest dropped first,
 * counted in `central_counters`). Runs inside the caller's transaction.
 */
export class SqliteDeadLetters {
  constructor(
    private readonly db: Database,
    private readonly limits: DeadLetterLimits,
  ) {}

  put(dl: DeadLetterInput): void {
    const b = boundDeadLetter(dl, this.limits.maxPayloadBytes);
    this.db
      .prepare(
        `INSERT INTO dead_letters (key, site, gateway_id, topic, batch_id, reason, payload, at, payload_bytes, payload_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1, reason = excluded.reason, at = excluded.at`,
      )
      .run(
        b.key,
        b.site,
        b.gatewayId,
        b.topic,
        b.batchId,
        b.reason,
        b.payload,
        b.at,
        b.payloadBytes,
        b.payloadSha256,
      );
    this.trim();
  }

  /** Drops the oldest rows beyond the cap and counts them. */
  private trim(): void {
    const n = (this.db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number }).n;
    const excess = n - this.limits.maxRows;
    if (excess <= 0) return;
    this.db
      .prepare(
        'DELETE FROM dead_letters WHERE key IN (SELECT key FROM dead_letters ORDER BY at, key LIMIT ?)',
      )
      .run(excess);
    this.db
      .prepare("UPDATE central_counters SET value = value + ? WHERE name = 'dead_letters_dropped'")
      .run(excess);
  }

  /** Bounds rows written before the size columns existed (once, at start), then applies the cap. */
  backfill(): void {
    const old = this.db
      .prepare('SELECT key, payload FROM dead_letters WHERE payload_sha256 IS NULL')
      .all() as { key: string; payload: string }[];
    const upd = this.db.prepare(
      'UPDATE dead_letters SET payload = ?, payload_bytes = ?, payload_sha256 = ? WHERE key = ?',
    );
    this.db.transaction(() => {
      for (const r of old) {
        const b = boundDeadLetter({ ...placeholder, payload: r.payload }, this.limits.maxPayloadBytes);
        upd.run(b.payload, b.payloadBytes, b.payloadSha256, r.key);
      }
      this.trim();
    })();
  }

  list(): DeadLetterRow[] {
    return (this.db.prepare('SELECT * FROM dead_letters ORDER BY at, key').all() as Row[]).map((r) => ({
      key: r.key,
      site: r.site,
      gatewayId: r.gateway_id,
      topic: r.topic,
      batchId: r.batch_id,
      reason: r.reason,
      payload: r.payload,
      at: r.at,
      attempts: r.attempts,
      payloadBytes: r.payload_bytes ?? Buffer.byteLength(r.payload),
      payloadSha256: r.payload_sha256 ?? '',
    }));
  }

  dropped(): number {
    const r = this.db
      .prepare("SELECT value FROM central_counters WHERE name = 'dead_letters_dropped'")
      .get() as { value: number } | undefined;
    return r?.value ?? 0;
  }
}

const placeholder: DeadLetterInput = {
  key: '',
  site: null,
  gatewayId: null,
  topic: '',
  batchId: null,
  reason: '',
  payload: '',
  at: 0,
};
