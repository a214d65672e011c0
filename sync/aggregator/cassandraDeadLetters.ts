import cassandra from 'cassandra-driver';
import { boundDeadLetter } from './boundedDeadLetter.ts';
import type { DeadLetterInput, DeadLetterLimits, DeadLetterRow } from './centralStore.ts';

const { types } = cassandra;

type Exec = (q: string, params: unknown[]) => Promise<cassandra.types.ResultSet>;

/**
 * The Cassandra store's dead letters: a bounded prefix of each payload with its
 * sha256 and size, at most `maxRows` rows. This instance counts the rows it
 * adds (after one scan to learn the size); above the cap it scans the table
 * (at most a few rows over the cap), deletes the oldest and adds them to the
 * `dead_letters_dropped` counter.
 */
export class CassandraDeadLetters {
  private rows: number | null = null;

  constructor(
    private readonly ks: string,
    private readonly exec: Exec,
    private readonly limits: DeadLetterLimits,
  ) {}

  async put(dl: DeadLetterInput): Promise<void> {
    const b = boundDeadLetter(dl, this.limits.maxPayloadBytes);
    const old = await this.exec(`SELECT attempts FROM ${this.ks}.dead_letters WHERE key = ?`, [b.key]);
    const before = (old.first()?.['attempts'] as number | null | undefined) ?? 0;
    await this.exec(
      `INSERT INTO ${this.ks}.dead_letters (key, site, gateway_id, topic, batch_id, reason, payload, at, attempts,
         payload_bytes, payload_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        b.key,
        b.site,
        b.gatewayId,
        b.topic,
        b.batchId,
        b.reason,
        b.payload,
        new Date(b.at),
        before + 1,
        b.payloadBytes,
        b.payloadSha256,
      ],
    );
    if (before > 0) return;
    this.rows = this.rows === null ? await this.count() : this.rows + 1;
    if (this.rows > this.limits.maxRows) await this.trim();
  }

  private async count(): Promise<number> {
    let n = 0;
    for await (const _ of await this.exec(`SELECT key FROM ${this.ks}.dead_letters`, [])) n += 1;
    return n;
  }

  private async trim(): Promise<void> {
    const all: { key: string; at: number }[] = [];
    for await (const r of await this.exec(`SELECT key, at FROM ${this.ks}.dead_letters`, []))
      all.push({ key: r['key'] as string, at: (r['at'] as Date).getTime() });
    all.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
    const drop = all.slice(0, Math.max(0, all.length - this.limits.maxRows));
    for (const d of drop) await this.exec(`DELETE FROM ${this.ks}.dead_letters WHERE key = ?`, [d.key]);
    if (drop.length > 0) {
      await this.exec(
        `UPDATE ${this.ks}.central_counters SET value = value + ? WHERE name = 'dead_letters_dropped'`,
        [types.Long.fromNumber(drop.length)],
      );
    }
    this.rows = all.length - drop.length;
  }

  async dropped(): Promise<number> {
    const r = await this.exec(
      `SELECT value FROM ${this.ks}.central_counters WHERE name = 'dead_letters_dropped'`,
      [],
    );
    const v = r.first()?.['value'] as cassandra.types.Long | null | undefined;
    return v ? v.toNumber() : 0;
  }

  async list(): Promise<DeadLetterRow[]> {
    const rs = await this.exec(`SELECT * FROM ${this.ks}.dead_letters`, []);
    const rows: DeadLetterRow[] = [];
    for await (const r of rs) {
      const payload = r['payload'] as string;
      rows.push({
        key: r['key'] as string,
        site: (r['site'] as string | null) ?? null,
        gatewayId: (r['gateway_id'] as string | null) ?? null,
        topic: r['topic'] as string,
        batchId: (r['batch_id'] as string | null) ?? null,
        reason: r['reason'] as string,
        payload,
        at: (r['at'] as Date).getTime(),
        attempts: r['attempts'] as number,
        payloadBytes: (r['payload_bytes'] as number | null) ?? Buffer.byteLength(payload),
        payloadSha256: (r['payload_sha256'] as string | null) ?? '',
      });
    }
    return rows.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  }
}
