import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cassandra from 'cassandra-driver';
import { HallgateError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/log.ts';
import { estimateCount, mergeRegisters } from '../hllRegisters.ts';
import {
  countByDay,
  daysWithData,
  dayIndexWrites,
  inParallel,
  sessionsOfDays,
  type Write,
} from './cassandraDayIndex.ts';
import { batchesMaySpanPartitions, cassandraClient, shutdownClient } from './cassandraClient.ts';
import type { CassandraTls } from './cassandraTls.ts';
import { groupByPartition } from './cassandraWriteGroups.ts';
import type { GatewayHealth, RecordPayload } from '../schema.ts';
import { CassandraDeadLetters } from './cassandraDeadLetters.ts';
import { CassandraSessionOwners } from './cassandraSessionOwners.ts';
import {
  DEFAULT_DEAD_LETTER_LIMITS,
  lectureOf,
  sessionConflict,
  type CentralBatch,
  type CentralCounts,
  type CentralEvent,
  type CentralInvalid,
  type CentralRecord,
  type CentralStore,
  type DeadLetterInput,
  type DeadLetterLimits,
  type DeadLetterRow,
  type GatewayStatusInput,
  type GatewayStatusRow,
  type ItemConflict,
  type WriteOutcome,
} from './centralStore.ts';

const { types } = cassandra;
type Row = cassandra.types.Row;

/** Most per-partition reads in flight at once for a multi-partition read (recordsByDayRange, counts). */
const READ_CONCURRENCY = 32;

export const CQL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'cql');

export interface CassandraStoreOptions {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  username?: string;
  password?: string;
  /** CQL text of the keyspace replication; default NetworkTopologyStrategy with 3 replicas in the local DC. */
  replication?: string;
  /** Most writes in flight at once from this aggregator (the driver's pool limits apply on top). */
  maxConcurrentWrites?: number;
  /** Consistency of writes (and of reads unless readConsistency is set); default localQuorum. */
  consistency?: Consistency;
  /** Consistency of reads; default: `consistency`. */
  readConsistency?: Consistency;
  /** TLS to the nodes (client_encryption_options on the server). */
  tls?: CassandraTls;
  /** Dead-letter table bounds (default DEFAULT_DEAD_LETTER_LIMITS). */
  deadLetters?: DeadLetterLimits;
}

export type Consistency = 'localQuorum' | 'quorum' | 'localOne' | 'one' | 'all' | 'eachQuorum';

/**
 * The production central store on Cassandra. Keyspace and tables come from
 * the versioned CQL files in `cql/` (applied once each, recorded in
 * `<keyspace>.schema_migrations`). Every statement is prepared; every key
 * makes a repeated write a no-op (event id in the key; records and sketches
 * carry a write timestamp derived from their version / outbox seq, so the
 * newest wins without a read). Writes run with at most
 * `maxConcurrentWrites` in flight and resolve when all are acknowledged at
 * the configured consistency (default LOCAL_QUORUM).
 */
export class CassandraCentralStore implements CentralStore {
  readonly kind = 'cassandra' as const;
  private client: cassandra.Client | null = null;
  /** Batches may span partitions: every local node holds every partition (see replicatedOnEveryNode). */
  private acrossPartitions = false;
  private readonly ks: string;
  private readonly log: Logger;
  private readonly letters: CassandraDeadLetters;
  private readonly owners: CassandraSessionOwners;

  constructor(
    private readonly opts: CassandraStoreOptions,
    log: Logger,
  ) {
    this.ks = opts.keyspace;
    this.log = log.child({ module: 'cassandra-store' });
    const exec = (q: string, params: unknown[]) =>
      this.c.execute(q, params, {
        prepare: true,
        consistency: this.consistency,
        serialConsistency: types.consistencies.localSerial,
        fetchSize: 5000,
      });
    this.letters = new CassandraDeadLetters(this.ks, exec, opts.deadLetters ?? DEFAULT_DEAD_LETTER_LIMITS);
    this.owners = new CassandraSessionOwners(this.ks, exec);
  }

  private get c(): cassandra.Client {
    if (!this.client) throw new HallgateError('STORE_NOT_STARTED', 'central store not started');
    return this.client;
  }

  private get consistency(): number {
    return types.consistencies[this.opts.consistency ?? 'localQuorum'];
  }

  private get readConsistency(): number {
    return types.consistencies[this.opts.readConsistency ?? this.opts.consistency ?? 'localQuorum'];
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
    this.acrossPartitions = await batchesMaySpanPartitions(client, this.ks, this.opts.localDataCenter);
    this.log.info({ acrossPartitions: this.acrossPartitions }, 'Cassandra store started');
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await shutdownClient(client);
  }

  /** Applies every `NNN_name.cql` in CQL_DIR not yet recorded, in filename order. */
  async migrate(): Promise<string[]> {
    const replication =
      this.opts.replication ??
      `{'class': 'NetworkTopologyStrategy', '${this.opts.localDataCenter.replace(/'/g, "''")}': 3}`;
    const files = readdirSync(CQL_DIR)
      .filter((f) => /^\d{3}_[\w-]+\.cql$/.test(f))
      .sort();
    const render = (f: string) =>
      readFileSync(join(CQL_DIR, f), 'utf8')
        .replaceAll('{{keyspace}}', this.ks)
        .replaceAll('{{replication}}', replication);
    // The keyspace file runs every time (IF NOT EXISTS): the migrations table lives inside the keyspace.
    const first = files[0];
    if (first) for (const stmt of statements(render(first))) await this.c.execute(stmt);
    await this.c.execute(
      `CREATE TABLE IF NOT EXISTS ${this.ks}.schema_migrations (name text PRIMARY KEY, applied_at timestamp)`,
    );
    const done = new Set(
      (await this.c.execute(`SELECT name FROM ${this.ks}.schema_migrations`)).rows.map(
        (r) => r['name'] as string,
      ),
    );
    const applied: string[] = [];
    for (const f of files) {
      if (done.has(f)) continue;
      for (const stmt of statements(render(f))) await this.c.execute(stmt);
      await this.c.execute(
        `INSERT INTO ${this.ks}.schema_migrations (name, applied_at) VALUES (?, ?)`,
        [f, new Date()],
        {
          prepare: true,
        },
      );
      applied.push(f);
      this.log.info({ migration: f }, 'CQL migration applied');
    }
    return applied;
  }

  async writeBatch(b: CentralBatch): Promise<WriteOutcome> {
    const ks = this.ks;
    const writes: Write[] = [];
    const conflicts: ItemConflict[] = [];
    const received = new Date(b.receivedAt);
    for (const e of b.events) {
      const day = types.LocalDate.fromString(e.day);
      const ts = new Date(e.ts);
      const common = [
        e.source,
        e.rawId,
        e.gateId,
        e.hallId,
        e.direction,
        e.confidence ?? null,
        e.trackId ?? null,
        b.site,
        b.gatewayId,
        received,
        e.clockSuspect === true,
      ];
      writes.push([
        `INSERT INTO ${ks}.events_by_lecture_day (lecture_id, day, ts, student_id, event_id, source, raw_id, gate_id, hall_id,
           direction, confidence, track_id, site, gateway_id, received_at, clock_suspect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [lectureOf(e), day, ts, e.studentId ?? '', e.eventId, ...common],
      ]);
      if (e.studentId !== null) {
        writes.push([
          `INSERT INTO ${ks}.events_by_student_day (student_id, day, ts, lecture_id, event_id, source, raw_id, gate_id, hall_id,
             direction, confidence, track_id, site, gateway_id, received_at, clock_suspect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [e.studentId, day, ts, lectureOf(e), e.eventId, ...common],
        ]);
      }
    }
    const owned = new Set(b.ownedSessions ?? []);
    for (const [index, r] of b.records.entries()) {
      if (owned.has(r.sessionId)) await this.owners.assign(r.sessionId, b.site, b.gatewayId);
      const owner = await this.owners.claim(r.sessionId, b.site, b.gatewayId);
      if (owner.site !== b.site || owner.gatewayId !== b.gatewayId) {
        conflicts.push({
          kind: 'record',
          index,
          reason: sessionConflict(r.sessionId, owner.site, owner.gatewayId),
        });
        continue;
      }
      const stamp = recordTimestamp(r);
      const day = types.LocalDate.fromString(r.day);
      const rest = [
        r.courseId,
        r.hallId,
        r.version,
        r.status,
        r.minutesPresent,
        JSON.stringify(r.intervals),
        JSON.stringify(r.flags),
        JSON.stringify(r.explanations),
        JSON.stringify(r.eventIds),
        new Date(r.decidedAt),
        r.manual,
        r.note ?? null,
        b.site,
        b.gatewayId,
      ];
      const cols =
        'course_id, hall_id, version, status, minutes_present, intervals, flags, explanations, event_ids, decided_at, manual, note, site, gateway_id';
      writes.push([
        `INSERT INTO ${ks}.records_by_session (session_id, student_id, day, ${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
        [r.sessionId, r.studentId, day, ...rest, stamp],
      ]);
      writes.push([
        `INSERT INTO ${ks}.records_by_student (student_id, day, session_id, ${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
        [r.studentId, day, r.sessionId, ...rest, stamp],
      ]);
    }
    for (const x of b.superseded ?? []) {
      // The invalid attempt and the unattributed event (filed under its hall) of an event decided again.
      const day = types.LocalDate.fromString(x.day);
      const ts = new Date(x.ts);
      const sender = [x.eventId, b.site, b.gatewayId];
      writes.push([
        `DELETE FROM ${ks}.invalid_by_gate_day WHERE gate_id = ? AND day = ? AND ts = ? AND event_id = ? AND site = ? AND gateway_id = ?`,
        [x.gateId, day, ts, ...sender],
      ]);
      writes.push([
        `DELETE FROM ${ks}.invalid_by_day WHERE day = ? AND ts = ? AND event_id = ? AND site = ? AND gateway_id = ?`,
        [day, ts, ...sender],
      ]);
      writes.push([
        `DELETE FROM ${ks}.events_by_lecture_day WHERE lecture_id = ? AND day = ? AND ts = ? AND student_id = '' AND event_id = ? AND site = ? AND gateway_id = ?`,
        [lectureOf({ lectureId: null, hallId: x.hallId }), day, ts, ...sender],
      ]);
    }
    for (const i of b.invalid) {
      const day = types.LocalDate.fromString(i.day);
      const ts = new Date(i.ts);
      writes.push([
        `INSERT INTO ${ks}.invalid_by_gate_day (gate_id, day, ts, event_id, reason, raw_id, hall_id, site, gateway_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [i.gateId, day, ts, i.eventId, i.reason, i.rawId, i.hallId, b.site, b.gatewayId],
      ]);
      writes.push([
        `INSERT INTO ${ks}.invalid_by_day (day, ts, event_id, reason, raw_id, gate_id, hall_id, site, gateway_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [day, ts, i.eventId, i.reason, i.rawId, i.gateId, i.hallId, b.site, b.gatewayId],
      ]);
    }
    for (const h of b.hll) {
      writes.push([
        `INSERT INTO ${ks}.hll_by_lecture_day (lecture_id, day, site, gateway_id, seq, registers) VALUES (?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
        [
          h.lectureId,
          types.LocalDate.fromString(h.day),
          b.site,
          b.gatewayId,
          types.Long.fromNumber(h.seq),
          Buffer.from(h.registers),
          types.Long.fromNumber(h.seq),
        ],
      ]);
    }
    writes.push(...dayIndexWrites(ks, b));
    await this.runConcurrently(writes);
    for (const dl of b.deadLetters) await this.writeDeadLetter(dl);
    return { conflicts };
  }

  /** Rows of one partition as one UNLOGGED BATCH (cassandraWriteGroups.ts), at most maxConcurrentWrites requests in flight. */
  private async runConcurrently(writes: Write[]): Promise<void> {
    const opts = { prepare: true, consistency: this.consistency };
    await inParallel(
      groupByPartition(writes, this.acrossPartitions),
      this.opts.maxConcurrentWrites ?? 64,
      async (group) => {
        if (group.length === 1) await this.c.execute(group[0]![0], group[0]![1], opts);
        else
          await this.c.batch(
            group.map(([query, params]) => ({ query, params })),
            { ...opts, logged: false },
          );
      },
    );
  }

  writeDeadLetter(dl: DeadLetterInput): Promise<void> {
    return this.letters.put(dl);
  }

  async writeGatewayStatus(s: GatewayStatusInput): Promise<void> {
    const sets: string[] = ['updated_at = ?'];
    const params: unknown[] = [new Date(s.at)];
    const optional: [string, unknown][] = [
      ['state', s.state],
      ['version', s.version],
      ['health', s.health === undefined ? undefined : JSON.stringify(s.health)],
    ];
    for (const [col, value] of optional) {
      if (value === undefined) continue;
      sets.push(`${col} = ?`);
      params.push(value);
    }
    // The message time is the write timestamp: an older status arriving late changes nothing.
    await this.c.execute(
      `UPDATE ${this.ks}.gateway_status USING TIMESTAMP ? SET ${sets.join(', ')} WHERE site = ? AND gateway_id = ?`,
      [types.Long.fromNumber(s.at * 1000), ...params, s.site, s.gatewayId],
      { prepare: true, consistency: this.consistency },
    );
  }

  private async select(q: string, params: unknown[]): Promise<Row[]> {
    const rows: Row[] = [];
    // eachRow-free paging: the driver pages through with fetchSize and the async iterator.
    const rs = await this.c.execute(q, params, {
      prepare: true,
      consistency: this.readConsistency,
      fetchSize: 5000,
    });
    for await (const row of rs) rows.push(row);
    return rows;
  }

  async eventsByLectureDay(lectureId: string, day: string): Promise<CentralEvent[]> {
    const rows = await this.select(
      `SELECT * FROM ${this.ks}.events_by_lecture_day WHERE lecture_id = ? AND day = ?`,
      [lectureId, types.LocalDate.fromString(day)],
    );
    return rows.map(toEvent);
  }

  async eventsByStudentDay(studentId: string, day: string): Promise<CentralEvent[]> {
    const rows = await this.select(
      `SELECT * FROM ${this.ks}.events_by_student_day WHERE student_id = ? AND day = ?`,
      [studentId, types.LocalDate.fromString(day)],
    );
    return rows.map(toEvent);
  }

  async recordsBySession(sessionId: string): Promise<CentralRecord[]> {
    return (
      await this.select(`SELECT * FROM ${this.ks}.records_by_session WHERE session_id = ?`, [sessionId])
    ).map(toRecord);
  }

  async recordsByStudent(studentId: string): Promise<CentralRecord[]> {
    return (
      await this.select(`SELECT * FROM ${this.ks}.records_by_student WHERE student_id = ?`, [studentId])
    ).map(toRecord);
  }

  /**
   * Through the day indexes: the days with data in [fromDay, toDay] (one
   * partition of data_days), their sessions (one sessions_by_day partition per
   * day), then each session's records_by_session partition, at most
   * READ_CONCURRENCY reads in flight. Every partition read is bounded by a
   * day or a lecture; no scan, no ALLOW FILTERING.
   */
  async recordsByDayRange(fromDay: string, toDay: string): Promise<CentralRecord[]> {
    const select = (q: string, p: unknown[]) => this.select(q, p);
    const days = await daysWithData(select, this.ks, fromDay, toDay);
    const sessions = await sessionsOfDays(select, this.ks, days, READ_CONCURRENCY);
    const out: CentralRecord[] = [];
    await inParallel(sessions, READ_CONCURRENCY, async (sessionId) => {
      for (const r of await this.recordsBySession(sessionId)) {
        if (r.day >= fromDay && r.day <= toDay) out.push(r);
      }
    });
    const key = (r: CentralRecord) => [r.day, r.sessionId, r.studentId];
    return out.sort((a, b) => compareKeys(key(a), key(b)));
  }

  async invalidAttemptsByDay(day: string): Promise<CentralInvalid[]> {
    return (
      await this.select(`SELECT * FROM ${this.ks}.invalid_by_day WHERE day = ?`, [
        types.LocalDate.fromString(day),
      ])
    ).map(toInvalid);
  }

  async invalidAttemptsByGateDay(gateId: string, day: string): Promise<CentralInvalid[]> {
    return (
      await this.select(`SELECT * FROM ${this.ks}.invalid_by_gate_day WHERE gate_id = ? AND day = ?`, [
        gateId,
        types.LocalDate.fromString(day),
      ])
    ).map(toInvalid);
  }

  async mergedSketch(lectureId: string, day: string): Promise<Uint8Array | null> {
    const rows = await this.select(
      `SELECT registers FROM ${this.ks}.hll_by_lecture_day WHERE lecture_id = ? AND day = ?`,
      [lectureId, types.LocalDate.fromString(day)],
    );
    let merged: Uint8Array | null = null;
    for (const r of rows) {
      const regs = new Uint8Array(r['registers'] as Buffer);
      merged = merged ? mergeRegisters(merged, regs) : regs;
    }
    return merged;
  }

  async uniqueCount(lectureId: string, day: string): Promise<number | null> {
    const merged = await this.mergedSketch(lectureId, day);
    return merged ? estimateCount(merged) : null;
  }

  async gatewayStatuses(): Promise<GatewayStatusRow[]> {
    const rows = await this.select(`SELECT * FROM ${this.ks}.gateway_status`, []);
    return rows
      .map((r) => ({
        site: r['site'] as string,
        gatewayId: r['gateway_id'] as string,
        state: (r['state'] as 'online' | 'offline' | null) ?? null,
        version: (r['version'] as string | null) ?? null,
        health: r['health'] ? (JSON.parse(r['health'] as string) as GatewayHealth) : null,
        updatedAt: (r['updated_at'] as Date).getTime(),
      }))
      .sort((a, b) => (a.site + '\0' + a.gatewayId < b.site + '\0' + b.gatewayId ? -1 : 1));
  }

  deadLetters(): Promise<DeadLetterRow[]> {
    return this.letters.list();
  }

  droppedDeadLetters(): Promise<number> {
    return this.letters.dropped();
  }

  /**
   * Exact counts, partition by partition through the day indexes (see
   * cassandraDayIndex.countByDay). Dead letters are one small table, read whole
   * (as deadLetters() lists it).
   */
  async counts(): Promise<CentralCounts> {
    const byDay = await countByDay((q, p) => this.select(q, p), this.ks, READ_CONCURRENCY);
    const dl = await this.select(`SELECT count(*) AS n FROM ${this.ks}.dead_letters`, []);
    return { ...byDay, deadLetters: Number(dl[0]?.['n'] ?? 0) };
  }
}

/** Write timestamp of a record: newer version first, then later decision. Fits a signed 64-bit micros value. */
function recordTimestamp(r: Pick<RecordPayload, 'version' | 'decidedAt'>): cassandra.types.Long {
  return types.Long.fromNumber(r.version)
    .multiply(10_000_000_000_000)
    .add(types.Long.fromNumber(r.decidedAt % 10_000_000_000_000));
}

/** Splits a CQL file into statements (no semicolons inside string literals in our files), dropping comments. */
function statements(cql: string): string[] {
  return cql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const dayStr = (v: unknown) => String(v);

function compareKeys(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

function toEvent(r: Row): CentralEvent {
  const sid = r['student_id'] as string;
  return {
    eventId: r['event_id'] as string,
    source: r['source'] as CentralEvent['source'],
    studentId: sid === '' ? null : sid,
    rawId: r['raw_id'] as string,
    gateId: r['gate_id'] as string,
    hallId: r['hall_id'] as string,
    direction: r['direction'] as CentralEvent['direction'],
    ts: (r['ts'] as Date).getTime(),
    day: dayStr(r['day']),
    ...(r['confidence'] != null ? { confidence: r['confidence'] as number } : {}),
    ...(r['track_id'] != null ? { trackId: r['track_id'] as string } : {}),
    ...(r['clock_suspect'] === true ? { clockSuspect: true } : {}),
    lectureId: r['lecture_id'] as string,
    site: r['site'] as string,
    gatewayId: r['gateway_id'] as string,
  };
}

function toRecord(r: Row): CentralRecord {
  return {
    studentId: r['student_id'] as string,
    sessionId: r['session_id'] as string,
    courseId: r['course_id'] as string,
    hallId: r['hall_id'] as string,
    day: dayStr(r['day']),
    version: r['version'] as number,
    status: r['status'] as CentralRecord['status'],
    minutesPresent: r['minutes_present'] as number,
    intervals: JSON.parse(r['intervals'] as string) as CentralRecord['intervals'],
    flags: JSON.parse(r['flags'] as string) as string[],
    explanations: JSON.parse(r['explanations'] as string) as CentralRecord['explanations'],
    eventIds: JSON.parse(r['event_ids'] as string) as string[],
    decidedAt: (r['decided_at'] as Date).getTime(),
    manual: r['manual'] as boolean,
    ...(r['note'] != null ? { note: r['note'] as string } : {}),
    site: r['site'] as string,
    gatewayId: r['gateway_id'] as string,
  };
}

function toInvalid(r: Row): CentralInvalid {
  return {
    eventId: r['event_id'] as string,
    reason: r['reason'] as string,
    rawId: r['raw_id'] as string,
    gateId: r['gate_id'] as string,
    hallId: r['hall_id'] as string,
    ts: (r['ts'] as Date).getTime(),
    day: dayStr(r['day']),
    site: r['site'] as string,
    gatewayId: r['gateway_id'] as string,
  };
}
