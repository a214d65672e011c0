import { randomBytes } from 'node:crypto';
import type { Ack } from './schema.ts';

/** A batch published and not yet acknowledged. Times are monotonic milliseconds. */
export interface InFlightBatch {
  batchId: string;
  seqs: number[];
  body: string;
  sentAt: number;
  attempts: number;
  timeoutMs: number;
}

/** What a matching ack may do: delete `acknowledge`, dead-letter `deadLetter`; both within the batch. */
export interface AckMatch {
  batch: InFlightBatch;
  acknowledge: number[];
  deadLetter: number[];
  /** Seqs the ack named that are not the batch's (ignored). */
  foreignSeqs: number;
}

/**
 * The batches a gateway has in flight, and the one rule that lets an ack
 * touch the outbox: it must name a batch in flight (ids carry a random
 * part, so an id cannot be guessed from the seqs), it must cover every seq
 * of that batch (the aggregator always acks a batch whole), and it acts on
 * that batch's seqs only. Anything else is ignored with the reason.
 */
export class InFlightBatches {
  private readonly batches = new Map<string, InFlightBatch>();

  get size(): number {
    return this.batches.size;
  }

  values(): IterableIterator<InFlightBatch> {
    return this.batches.values();
  }

  add(b: InFlightBatch): void {
    this.batches.set(b.batchId, b);
  }

  clear(): void {
    this.batches.clear();
  }

  /** Matches an ack to its batch and removes that batch; a string says why the ack is ignored. */
  take(ack: Ack): AckMatch | string {
    const batch = this.batches.get(ack.batchId);
    if (!batch) return 'no batch with this id is in flight';
    const named = new Set(ack.seqs);
    if (!batch.seqs.every((s) => named.has(s))) return 'the ack does not cover every row of the batch';
    const mine = new Set(batch.seqs);
    const bad = new Set(
      ack.status === 'rejected' ? batch.seqs : (ack.deadLettered ?? []).filter((s) => mine.has(s)),
    );
    this.batches.delete(ack.batchId);
    return {
      batch,
      acknowledge: batch.seqs.filter((s) => !bad.has(s)),
      deadLetter: batch.seqs.filter((s) => bad.has(s)),
      foreignSeqs: ack.seqs.filter((s) => !mine.has(s)).length,
    };
  }
}

/** A batch id: the gateway, its seq range and a random part no other client can predict. */
export function newBatchId(gatewayId: string, first: number, last: number): string {
  return `${gatewayId}-${first}-${last}-${randomBytes(6).toString('hex')}`;
}
