import { createHash } from 'node:crypto';
import { batchEnvelopeSchema, describeZodError, SCHEMA_VERSION } from '../schema.ts';
import type { ParsedGatewayTopic } from '../topics.ts';
import { sortBatch, type SortedBatch } from './batchItems.ts';
import type { DeadLetterInput } from './centralStore.ts';

/** A batch payload read: its items sorted for the store, or the dead letter of the whole payload. */
export type ParsedBatch =
  | { ok: true; sorted: SortedBatch; text: string }
  | {
      ok: false;
      letter: DeadLetterInput;
      /** A batch refused (oversized, wrong schema, wrong sender), as opposed to a payload that is not JSON. */
      rejected: boolean;
    };

/**
 * Reads one batch payload, without a broker or a store: size first (a
 * payload above `maxBytes` is never decoded), then JSON, the envelope schema
 * and the sender named by the topic, then each item (sortBatch). A payload
 * that is not a valid batch is never acked: seqs taken from it could name
 * any gateway's rows.
 */
export function parseBatch(
  topic: string,
  t: ParsedGatewayTopic,
  payload: Buffer,
  now: number,
  maxBytes: number,
): ParsedBatch {
  const refuse = (reason: string, body: string | Buffer, rejected = true): ParsedBatch => ({
    ok: false,
    letter: wholeBatchLetter(topic, t, reason, body, now),
    rejected,
  });
  if (payload.length > maxBytes)
    return refuse(`oversized: batch payload of ${payload.length} bytes exceeds ${maxBytes}`, payload);
  const text = payload.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse('malformed: batch is not JSON', text, false);
  }
  const env = batchEnvelopeSchema.safeParse(json);
  if (!env.success) {
    const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
    return refuse(
      version !== SCHEMA_VERSION
        ? `unsupported schemaVersion ${JSON.stringify(version)} (expected ${SCHEMA_VERSION})`
        : `malformed batch: ${describeZodError(env.error)}`,
      text,
    );
  }
  if (env.data.site !== t.site || env.data.gatewayId !== t.gatewayId)
    return refuse(
      `batch claims ${env.data.site}/${env.data.gatewayId} but arrived on ${t.site}/${t.gatewayId}`,
      text,
    );
  return { ok: true, sorted: sortBatch(env.data, t, topic, now), text };
}

/** The dead letter of a whole payload, keyed by its hash (a Buffer is oversized: only a prefix is decoded). */
function wholeBatchLetter(
  topic: string,
  t: ParsedGatewayTopic,
  reason: string,
  payload: string | Buffer,
  at: number,
): DeadLetterInput {
  const digest = createHash('sha256').update(topic).update('\0').update(payload).digest('hex').slice(0, 32);
  return {
    key: `${t.site}/${t.gatewayId}/batch/${digest}`,
    site: t.site,
    gatewayId: t.gatewayId,
    topic,
    batchId: null,
    reason,
    payload: typeof payload === 'string' ? payload : payload.subarray(0, 4096).toString('utf8'),
    at,
  };
}
