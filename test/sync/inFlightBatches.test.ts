import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { boundDeadLetter } from '../../sync/aggregator/boundedDeadLetter.ts';
import { InFlightBatches, newBatchId, type InFlightBatch } from '../../sync/inFlightBatches.ts';
import type { Ack } from '../../sync/schema.ts';

const batch = (batchId: string, seqs: number[]): InFlightBatch => ({
  batchId,
  seqs,
  body: '{}',
  sentAt: 0,
  attempts: 1,
  timeoutMs: 1000,
});
const ack = (over: Partial<Ack>): Ack => ({
  schemaVersion: 1,
  batchId: 'b1',
  seqs: [1, 2, 3],
  status: 'ok',
  ...over,
});

describe('an ack acts only on the batch in flight it names, and only on its rows', () => {
  const cases: {
    name: string;
    ack: Ack;
    want: string | { acknowledge: number[]; deadLetter: number[]; foreignSeqs: number };
  }[] = [
    { name: 'exact ack', ack: ack({}), want: { acknowledge: [1, 2, 3], deadLetter: [], foreignSeqs: 0 } },
    {
      name: 'ack naming rows of no batch as well',
      ack: ack({ seqs: [1, 2, 3, 40, 41] }),
      want: { acknowledge: [1, 2, 3], deadLetter: [], foreignSeqs: 2 },
    },
    {
      name: 'dead letters outside the batch are ignored',
      ack: ack({ deadLettered: [2, 99] }),
      want: { acknowledge: [1, 3], deadLetter: [2], foreignSeqs: 0 },
    },
    {
      name: 'a rejected ack dead-letters the batch rows only',
      ack: ack({ status: 'rejected', seqs: [1, 2, 3, 7] }),
      want: { acknowledge: [], deadLetter: [1, 2, 3], foreignSeqs: 1 },
    },
    { name: 'unknown batch id', ack: ack({ batchId: 'b9' }), want: 'no batch with this id is in flight' },
    {
      name: 'part of the batch only',
      ack: ack({ seqs: [1, 2] }),
      want: 'the ack does not cover every row of the batch',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = new InFlightBatches();
      f.add(batch('b1', [1, 2, 3]));
      const m = f.take(c.ack);
      if (typeof c.want === 'string') {
        assert.equal(m, c.want);
        assert.equal(f.size, 1, 'the batch stays in flight (resent on timeout)');
      } else {
        if (typeof m === 'string') return assert.fail(m);
        assert.deepEqual(
          { acknowledge: m.acknowledge, deadLetter: m.deadLetter, foreignSeqs: m.foreignSeqs },
          c.want,
        );
        assert.equal(f.size, 0);
        assert.equal(f.take(c.ack), 'no batch with this id is in flight', 'a second ack changes nothing');
      }
    });
  }

  it('batch ids cannot be predicted from the seq range', () => {
    const a = newBatchId('gw-1', 1, 500);
    assert.match(a, /^gw-1-1-500-[0-9a-f]{12}$/);
    assert.notEqual(a, newBatchId('gw-1', 1, 500));
  });
});

describe('a dead letter keeps a bounded prefix with the whole payload’s size and sha256', () => {
  const dl = (payload: string) => ({
    key: 'k',
    site: null,
    gatewayId: null,
    topic: 't',
    batchId: null,
    reason: 'r',
    payload,
    at: 1,
  });
  it('never cuts a character in two', () => {
    // 'é' is 2 bytes, '€' 3: byte 5 falls inside the '€' that starts at byte 4
    const b = boundDeadLetter(dl('abcé€xyz'), 5);
    assert.equal(b.payload, 'abcé');
    assert.equal(b.payloadBytes, 11);
    assert.equal(b.payloadSha256, createHash('sha256').update('abcé€xyz', 'utf8').digest('hex'));
  });
  it('keeps a small payload whole', () => {
    const b = boundDeadLetter(dl('{x'), 5);
    assert.deepEqual([b.payload, b.payloadBytes], ['{x', 2]);
  });
});
