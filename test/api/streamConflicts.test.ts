import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, describe, it } from 'node:test';
import { configSchema } from '../../gateway/config/schema.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import type { CentralBatch } from '../../sync/aggregator/centralStore.ts';
import { startApi } from '../../sync/api/startApi.ts';
import type { RecordPayload } from '../../sync/schema.ts';
import { event } from '../sync/fixtures/gatewayDb.ts';
import { NOW, sqliteStores, TOKENS, VIEWER } from './fixtures.ts';

const record = (studentId: string, sessionId: string, status: RecordPayload['status']): RecordPayload => ({
  studentId,
  sessionId,
  courseId: 'CS101',
  hallId: 'HALL-A',
  day: '2026-03-18',
  version: 1,
  status,
  minutesPresent: 0,
  intervals: [],
  flags: status === 'review' ? ['ambiguous'] : [],
  explanations: [],
  eventIds: [],
  decidedAt: NOW,
  manual: false,
});

const batch = (gatewayId: string, batchId: string, part: Partial<CentralBatch>): CentralBatch => ({
  site: 'campus',
  gatewayId,
  batchId,
  receivedAt: NOW,
  events: [],
  records: [],
  invalid: [],
  hll: [],
  deadLetters: [],
  ...part,
});

/**
 * startApi's live stream over real HTTP: a record the store refused as a
 * conflict (its session belongs to another gateway) is never announced, as a
 * record or as a review item; the rest of the same batch is.
 */
describe('live stream: records refused as conflicts are not announced', () => {
  it('announces the written items of a batch and none of its conflicts', async () => {
    const stores = await sqliteStores();
    after(() => stores.cleanup());
    const cfg = configSchema.parse({ aggregator: { http: { port: 0 }, api: { tokens: TOKENS } } }).aggregator;
    const api = await startApi(cfg, {
      campus: stores.campus,
      central: stores.central,
      log: createLogger({ level: 'silent' }),
      clock: new ManualClock(NOW),
    });
    after(() => api.stop());
    assert.ok(api.url);

    // gw-1 owns session CS101-3 first.
    const first = await stores.central.writeBatch(
      batch('gw-1', 'own-1', { records: [record('S1', 'CS101-3', 'present')] }),
    );
    assert.deepEqual(first.conflicts, []);

    const chunks: string[] = [];
    let outcome: Promise<{ conflicts: unknown[] }> | null = null;
    let lastSeen!: () => void;
    const seen = new Promise<void>((r) => (lastSeen = r));
    const req = get(`${api.url}/api/v1/events/stream?access_token=${VIEWER}`, (res) => {
      assert.equal(res.statusCode, 200);
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        chunks.push(c);
        // The stream is open: gw-2 sends a review record of gw-1's session (refused) and one of its own.
        if (c.startsWith(': hallgate') && !outcome)
          outcome = stores.central.writeBatch(
            batch('gw-2', 'clash-1', {
              events: [event({ eventId: 'gw2-e1', studentId: 'S2', ts: NOW, lectureId: 'CS101' })],
              records: [record('S2', 'CS101-3', 'review'), record('S3', 'CS101-9', 'late')],
            }),
          );
        if (chunks.join('').includes('"studentId":"S3","sessionId":"CS101-9"')) lastSeen();
      });
    });
    after(() => req.destroy());
    await seen;
    const written = await outcome!;
    assert.equal(written.conflicts.length, 1, 'the store refused the record of the foreign session');

    const text = chunks.join('');
    assert.match(text, /event: swipe\ndata: \{"eventId":"gw2-e1"/);
    assert.match(
      text,
      /event: record\ndata: \{"studentId":"S3","sessionId":"CS101-9","courseId":"CS101","status":"late"/,
    );
    assert.doesNotMatch(text, /"sessionId":"CS101-3"/, 'the refused record is announced nowhere');
    assert.doesNotMatch(text, /event: review/);
  });
});
