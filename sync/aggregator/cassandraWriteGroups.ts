import type { Write } from './cassandraDayIndex.ts';

/**
 * How many leading bind parameters of an INSERT into each table are its
 * partition key (cql/*.cql). Rows of one partition go to Cassandra as one
 * UNLOGGED BATCH: a single mutation, atomic and isolated within the
 * partition, one request instead of many. A table not listed here (or a key
 * that changed) only costs the grouping: every statement is still written.
 */
const PARTITION_KEY_PARAMS: Record<string, number> = {
  events_by_lecture_day: 2,
  events_by_student_day: 2,
  records_by_session: 1,
  records_by_student: 1,
  invalid_by_gate_day: 2,
  invalid_by_day: 1,
  hll_by_lecture_day: 2,
  data_days: 1,
  lectures_by_day: 1,
  sessions_by_day: 1,
};

/** Most statements in one batch, and most bytes of text bound into it (batch_size_warn_threshold is 5 KiB by default, fail 50 KiB). */
export const MAX_BATCH_STATEMENTS = 16;
export const MAX_BATCH_BYTES = 24 * 1024;

const tableOf = (cql: string): string | null => /INSERT\s+INTO\s+\w+\.(\w+)/i.exec(cql)?.[1] ?? null;

function sizeOf(params: unknown[]): number {
  let n = 0;
  for (const p of params) n += typeof p === 'string' ? p.length : Buffer.isBuffer(p) ? p.length : 8;
  return n;
}

/**
 * Splits writes into groups of one partition each (order kept within a
 * partition), at most MAX_BATCH_STATEMENTS statements and MAX_BATCH_BYTES
 * bound bytes per group. With `acrossPartitions` (see replicatedOnEveryNode)
 * rows of one table but different partitions share a batch too: one request
 * instead of up to 16 (the events_by_student_day rows of a batch are each in
 * a partition of their own).
 */
export function groupByPartition(writes: Write[], acrossPartitions = false): Write[][] {
  const open = new Map<string, { group: Write[]; bytes: number }>();
  const groups: Write[][] = [];
  for (const w of writes) {
    const table = tableOf(w[0]);
    const k = table === null ? undefined : PARTITION_KEY_PARAMS[table];
    if (k === undefined) {
      groups.push([w]);
      continue;
    }
    const key = `${table}\0${w[1]
      .slice(0, acrossPartitions ? 0 : k)
      .map((p) => String(p))
      .join('\0')}`;
    const size = sizeOf(w[1]);
    const cur = open.get(key);
    if (cur && cur.group.length < MAX_BATCH_STATEMENTS && cur.bytes + size <= MAX_BATCH_BYTES) {
      cur.group.push(w);
      cur.bytes += size;
    } else {
      const group = [w];
      groups.push(group);
      open.set(key, { group, bytes: size });
    }
  }
  return groups;
}

/**
 * True when every node of the local data centre holds a replica of every
 * partition of the keyspace (one node; three nodes at RF 3): a batch across
 * partitions then costs its coordinator no extra hop (the textbook reason
 * against multi-partition batches), and it saves a request per row.
 * `replication` is system_schema.keyspaces.replication.
 */
export function replicatedOnEveryNode(
  replication: Record<string, string>,
  hosts: { datacenter: string }[],
  localDataCenter: string,
): boolean {
  const strategy = replication['class'] ?? '';
  if (strategy.endsWith('SimpleStrategy')) {
    return hosts.length > 0 && Number(replication['replication_factor']) >= hosts.length;
  }
  if (strategy.endsWith('NetworkTopologyStrategy')) {
    const local = hosts.filter((h) => h.datacenter === localDataCenter).length;
    return local > 0 && Number(replication[localDataCenter]) >= local;
  }
  return false;
}
