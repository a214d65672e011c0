import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ackSchema, batchItemSchema, batchSchema, configMessageSchema } from '../../sync/schema.ts';
import { configTopic, gatewayTopic, parseGatewayTopic } from '../../sync/topics.ts';
import { event, invalid, record } from './fixtures/gatewayDb.ts';

describe('topics', () => {
  const cases: [string, ReturnType<typeof parseGatewayTopic>][] = [
    [gatewayTopic('campus', 'gw-1', 'batch'), { site: 'campus', gatewayId: 'gw-1', leaf: 'batch' }],
    ['hallgate/v1/campus/gw-1/status', { site: 'campus', gatewayId: 'gw-1', leaf: 'status' }],
    ['hallgate/v2/campus/gw-1/batch', null],
    ['hallgate/v1/campus/gw-1/other', null],
    ['hallgate/v1/campus/gw 1/batch', null],
    [configTopic('campus', 'roster'), null],
  ];
  for (const [topic, want] of cases) {
    it(`parses ${topic}`, () => assert.deepEqual(parseGatewayTopic(topic), want));
  }
});

describe('schema', () => {
  const item = (over: object) => ({ seq: 1, createdAt: 0, ...over });
  const items: [string, unknown, boolean][] = [
    ['event', item({ kind: 'event', payload: event() }), true],
    ['event without lecture', item({ kind: 'event', payload: { ...event(), lectureId: undefined } }), true],
    ['unknown student event', item({ kind: 'event', payload: event({ studentId: null }) }), true],
    ['record', item({ kind: 'record', payload: record() }), true],
    ['invalid', item({ kind: 'invalid', payload: invalid() }), true],
    ['hll', item({ kind: 'hll', payload: { lectureId: 'L', day: '2025-03-19', registers: 'AAAA' } }), true],
    ['bad day', item({ kind: 'event', payload: event({ day: '19/03/2025' }) }), false],
    ['bad kind', item({ kind: 'swipe', payload: event() }), false],
    ['seq 0', { ...item({ kind: 'event', payload: event() }), seq: 0 }, false],
    ['bad status', item({ kind: 'record', payload: { ...record(), status: 'maybe' } }), false],
  ];
  for (const [name, value, ok] of items) {
    it(`item: ${name} is ${ok ? 'valid' : 'rejected'}`, () =>
      assert.equal(batchItemSchema.safeParse(value).success, ok));
  }

  it('a batch needs the known schemaVersion', () => {
    const b = {
      schemaVersion: 1,
      gatewayId: 'gw',
      site: 's',
      batchId: 'b',
      sentAt: 1,
      items: [item({ kind: 'event', payload: event() })],
    };
    assert.equal(batchSchema.safeParse(b).success, true);
    assert.equal(batchSchema.safeParse({ ...b, schemaVersion: 2 }).success, false);
    assert.equal(batchSchema.safeParse({ ...b, items: [] }).success, false);
  });

  it('acks and config messages', () => {
    assert.equal(
      ackSchema.safeParse({ schemaVersion: 1, batchId: 'b', seqs: [1, 2], status: 'ok' }).success,
      true,
    );
    assert.equal(
      ackSchema.safeParse({ schemaVersion: 1, batchId: 'b', seqs: [1], status: 'maybe' }).success,
      false,
    );
    const cfg = { schemaVersion: 1, version: 3, issuedAt: 1 };
    assert.equal(
      configMessageSchema.safeParse({ ...cfg, kind: 'thresholds', data: { graceSec: 60 } }).success,
      true,
    );
    assert.equal(
      configMessageSchema.safeParse({ ...cfg, kind: 'thresholds', data: { graceSecs: 60 } }).success,
      false,
    );
    assert.equal(
      configMessageSchema.safeParse({
        ...cfg,
        kind: 'timetable',
        data: [{ sessionId: 's', courseId: 'c', hallId: 'h', start: 2, end: 1 }],
      }).success,
      false,
    );
  });
});
