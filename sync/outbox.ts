import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Clock } from '../kernel/clock.ts';
import type { Logger } from '../kernel/log.ts';
import { isRecordRef } from './recordRef.ts';
import { OUTBOX_KINDS } from './schema.ts';

/** One queued row, payload still as the JSON text the store wrote. */
export interface OutboxRow {
  seq: number;
  kind: string;
  payload: string;
  createdAt: number;
}

export interface OutboxRead {
  rows: OutboxRow[];
  /** True when the read stopped at the byte limit (the batch is full even if short of `limit` rows). */
  full: boolean;
}

export interface OutboxLimits {
  /** Queue-size limit: above it the gateway reports `queueLimitExceeded`. */
  maxRows: number;
  /** Below this free space on the store's filesystem the gateway reports `diskLow`. */
  minDiskFreeBytes: number;
}

export interface OutboxStats {
  depth: number;
  oldestCreatedAt: number | null;
  oldestAgeMs: number | null;
  diskFreeBytes: number | null;
  queueLimitExceeded: boolean;
  diskLow: boolean;
}

/**
 * The queue the outbox reads (the gateway's store implements it:
 * gateway/store/outboxQueue.ts). Rows come oldest first.
 */
export interface OutboxQueue {
  readAfter(afterSeq: number, limit: number): OutboxRow[];
  /** Deletes the rows; returns how many existed. */
  remove(seqs: readonly number[]): number;
  /** Moves the rows to dead letters (source 'sync') with the reason, in one transaction. */
  moveToDeadLetters(seqs: readonly number[], reason: string, at: number): number;
  depth(): number;
  oldestCreatedAt(): number | null;
  /** The file the queue lives in (null: memory), for the free space on its filesystem. */
  file(): string | null;
  /** A referenced record's payload JSON as it stands now; null when it is not stored. */
  recordPayload(studentId: string, sessionId: string): string | null;
}

const KNOWN_KINDS = new Set<string>(OUTBOX_KINDS);

/**
 * The gateway side of store-and-forward: reads the SQLite `outbox` oldest
 * first and deletes rows only when the aggregator's end-to-end ack names them.
 * The queue lives on disk; nothing here holds more than one read in memory.
 * Rows that can never be sent (not JSON, unknown kind) move to `dead_letters`
 * with the reason instead of blocking the queue. A 'record' row that names its
 * record (see recordRef.ts) is sent as the record stands when it is read.
 */
export class Outbox {
  private readonly log: Logger;
  private readonly clock: Clock;
  private lastReported = { queueLimitExceeded: false, diskLow: false };

  constructor(
    private readonly queue: OutboxQueue,
    private readonly limits: OutboxLimits,
    deps: { log: Logger; clock: Clock },
  ) {
    this.log = deps.log.child({ module: 'outbox' });
    this.clock = deps.clock;
  }

  /**
   * Up to `limit` rows with seq > afterSeq, oldest first, stopping before the
   * serialized payloads would exceed `maxBytes` (always at least one row).
   * Unsendable rows are dead-lettered on the way and skipped.
   */
  readAfter(afterSeq: number, limit: number, maxBytes: number): OutboxRead {
    const raw = this.queue.readAfter(afterSeq, limit);
    const rows: OutboxRow[] = [];
    const bad: { seq: number; reason: string }[] = [];
    let bytes = 0;
    let full = false;
    for (const r of raw) {
      const checked = parsePayload(r);
      if (typeof checked === 'string') {
        bad.push({ seq: r.seq, reason: checked });
        continue;
      }
      if (r.kind === 'record' && isRecordRef(checked)) {
        const payload = this.queue.recordPayload(checked.studentId, checked.sessionId);
        if (payload === null) {
          bad.push({ seq: r.seq, reason: 'referenced record is not stored' });
          continue;
        }
        r.payload = payload;
      }
      const size = r.payload.length + 64;
      if (rows.length > 0 && bytes + size > maxBytes) {
        full = true;
        break;
      }
      bytes += size;
      rows.push(r);
    }
    for (const b of bad) this.deadLetter([b.seq], b.reason);
    return { rows, full: full || raw.length === limit };
  }

  /** Deletes the rows an end-to-end ack names; returns how many existed. */
  acknowledge(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    return this.queue.remove(seqs);
  }

  /** Moves rows to `dead_letters` (source 'sync') with the reason, in one transaction. */
  deadLetter(seqs: readonly number[], reason: string): number {
    if (seqs.length === 0) return 0;
    const moved = this.queue.moveToDeadLetters(seqs, reason, this.clock.now());
    if (moved > 0) this.log.error({ seqs: seqs.length, reason }, 'outbox rows dead-lettered');
    return moved;
  }

  /** Depth, oldest age, disk free and the limit flags; logs when a limit is crossed either way. */
  stats(): OutboxStats {
    const depth = this.queue.depth();
    const oldest = this.queue.oldestCreatedAt();
    const diskFreeBytes = this.diskFree();
    const queueLimitExceeded = depth > this.limits.maxRows;
    const diskLow = diskFreeBytes !== null && diskFreeBytes < this.limits.minDiskFreeBytes;
    if (queueLimitExceeded !== this.lastReported.queueLimitExceeded) {
      if (queueLimitExceeded)
        this.log.error({ depth, maxRows: this.limits.maxRows }, 'outbox over its queue-size limit');
      else this.log.info({ depth }, 'outbox back under its queue-size limit');
    }
    if (diskLow !== this.lastReported.diskLow) {
      if (diskLow)
        this.log.error(
          { diskFreeBytes, minDiskFreeBytes: this.limits.minDiskFreeBytes },
          'disk free below limit',
        );
      else this.log.info({ diskFreeBytes }, 'disk free back above limit');
    }
    this.lastReported = { queueLimitExceeded, diskLow };
    return {
      depth,
      oldestCreatedAt: oldest,
      oldestAgeMs: oldest === null ? null : Math.max(0, this.clock.now() - oldest),
      diskFreeBytes,
      queueLimitExceeded,
      diskLow,
    };
  }

  private diskFree(): number | null {
    const file = this.queue.file();
    if (file === null) return null;
    try {
      const st = statfsSync(dirname(file));
      return st.bavail * st.bsize;
    } catch (err) {
      this.log.warn({ err }, 'cannot read disk free space');
      return null;
    }
  }
}

/** The payload as a JSON object, or why the row can never be sent. */
function parsePayload(r: OutboxRow): object | string {
  if (!KNOWN_KINDS.has(r.kind)) return `unknown outbox kind '${r.kind}'`;
  let v: unknown;
  try {
    v = JSON.parse(r.payload);
  } catch {
    return 'payload is not JSON';
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'payload is not a JSON object';
  return v;
}
