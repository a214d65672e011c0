import { decodeRegisters } from '../hllRegisters.ts';
import { batchItemSchema, describeZodError, type BatchEnvelope } from '../schema.ts';
import type { ParsedGatewayTopic } from '../topics.ts';
import type { CentralBatch, DeadLetterInput } from './centralStore.ts';
import { itemTimeProblem } from './plausibleTime.ts';

/** A batch's items sorted for the store, with what the ack needs. */
export interface SortedBatch {
  batch: CentralBatch;
  /** Every valid seq of the batch (the ack names them all). */
  seqs: number[];
  /** Seqs of items dead-lettered here. */
  bad: number[];
  /** Seq and raw item of each entry of `batch.records`, to dead-letter a record the store refuses. */
  records: { seq: number | null; raw: unknown }[];
}

/**
 * Checks each item of a valid envelope on its own (schema, plausible times,
 * day against timestamp, decodable sketch) and sorts the good ones by kind;
 * a bad item becomes a dead letter and does not sink the batch.
 */
export function sortBatch(
  env: BatchEnvelope,
  t: ParsedGatewayTopic,
  topic: string,
  now: number,
): SortedBatch {
  const batch: CentralBatch = {
    site: t.site,
    gatewayId: t.gatewayId,
    batchId: env.batchId,
    receivedAt: now,
    events: [],
    records: [],
    invalid: [],
    hll: [],
    deadLetters: [],
  };
  const out: SortedBatch = { batch, seqs: [], bad: [], records: [] };
  env.items.forEach((raw, index) => {
    const rawSeq = (raw as { seq?: unknown } | null)?.seq;
    const seq = typeof rawSeq === 'number' && Number.isInteger(rawSeq) && rawSeq > 0 ? rawSeq : null;
    if (seq !== null) out.seqs.push(seq);
    const reason = sortItem(out, raw, seq, now);
    if (reason === null) return;
    if (seq !== null) out.bad.push(seq);
    batch.deadLetters.push(
      itemLetter(t, topic, env.batchId, seq ?? `${env.batchId}#${index}`, reason, raw, now),
    );
  });
  return out;
}

/** Files one item under its kind; returns why it is refused, or null. */
function sortItem(out: SortedBatch, raw: unknown, seq: number | null, now: number): string | null {
  const parsed = batchItemSchema.safeParse(raw);
  if (!parsed.success) return `invalid item: ${describeZodError(parsed.error)}`;
  const item = parsed.data;
  const timeProblem = itemTimeProblem(item, now);
  if (timeProblem !== null) return `invalid item: ${timeProblem}`;
  const b = out.batch;
  switch (item.kind) {
    case 'event':
      b.events.push(item.payload);
      return null;
    case 'record':
      b.records.push(item.payload);
      out.records.push({ seq, raw });
      return null;
    case 'invalid':
      b.invalid.push(item.payload);
      return null;
    case 'superseded':
      (b.superseded ??= []).push(item.payload);
      return null;
    case 'hll':
      try {
        const registers = decodeRegisters(item.payload.registers);
        b.hll.push({ lectureId: item.payload.lectureId, day: item.payload.day, seq: item.seq, registers });
        return null;
      } catch (err) {
        return `invalid hll item: ${(err as Error).message}`;
      }
  }
}

/** The dead letter of one item (keyed by its seq, so a resend is the same row). */
export function itemLetter(
  t: ParsedGatewayTopic,
  topic: string,
  batchId: string,
  id: number | string,
  reason: string,
  raw: unknown,
  at: number,
): DeadLetterInput {
  return {
    key: `${t.site}/${t.gatewayId}/item/${id}`,
    site: t.site,
    gatewayId: t.gatewayId,
    topic,
    batchId,
    reason,
    payload: safeStringify(raw),
    at,
  };
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? 'undefined';
  } catch {
    return String(v);
  }
}
