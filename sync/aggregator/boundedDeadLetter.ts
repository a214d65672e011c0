import { createHash } from 'node:crypto';
import type { DeadLetterInput } from './centralStore.ts';

/** A dead letter as stored: at most `maxBytes` of its payload, with the whole payload's sha256 and size. */
export interface BoundedDeadLetter extends DeadLetterInput {
  payloadBytes: number;
  payloadSha256: string;
}

/**
 * Cuts a dead letter's payload to a UTF-8 prefix of at most `maxBytes` (never
 * splitting a character) and records the sha256 and byte size of the whole, so
 * a 20 MB bad payload costs a few KB centrally and can still be identified.
 */
export function boundDeadLetter(dl: DeadLetterInput, maxBytes: number): BoundedDeadLetter {
  const whole = Buffer.from(dl.payload, 'utf8');
  const payloadSha256 = createHash('sha256').update(whole).digest('hex');
  if (whole.length <= maxBytes) return { ...dl, payloadBytes: whole.length, payloadSha256 };
  let end = Math.max(0, maxBytes);
  // Back up over UTF-8 continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (whole[end]! & 0xc0) === 0x80) end -= 1;
  return {
    ...dl,
    payload: whole.subarray(0, end).toString('utf8'),
    payloadBytes: whole.length,
    payloadSha256,
  };
}
