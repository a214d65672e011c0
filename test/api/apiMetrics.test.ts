import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { AggregatorStats } from '../../sync/aggregator/aggregator.ts';
import { startApi } from '../../sync/api/startApi.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { invalid } from '../sync/fixtures/gatewayDb.ts';
import { ADMIN, NOW, sqliteStores, TOKENS } from './fixtures.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import { ApiMetrics, normaliseReason } from '../../sync/api/metrics.ts';

describe('GET /metrics and /readyz of the aggregator', () => {
  it('counts batches and items by outcome, dead letters by reason, write latency; no student or card label', async () => {
    const stores = await sqliteStores();
    after(() => stores.cleanup());
    const stats: AggregatorStats = {
      batchesWritten: 3,
      itemsWritten: 41,
      batchesRejected: 1,
      itemsDeadLettered: 2,
      malformedDropped: 0,
      writeFailures: 0,
    };
    const cfg = configSchema.parse({ aggregator: { http: { port: 0 }, api: { tokens: TOKENS } } }).aggregator;
    const api = await startApi(cfg, {
      campus: stores.campus,
      central: stores.central,
      log: createLogger({ level: 'silent' }),
      clock: new ManualClock(NOW),
    });
    after(() => api.stop());
    await stores.central.writeBatch({
      site: 'campus',
      gatewayId: 'gw-7',
      batchId: 'b1',
      receivedAt: NOW,
      events: [],
      records: [],
      invalid: [invalid({ eventId: 'i1', rawId: 'CAFE01' })],
      hll: [],
      deadLetters: [
        {
          key: 'k1',
          site: 'campus',
          gatewayId: 'gw-7',
          topic: 't',
          batchId: 'b1',
          reason: 'items.3.payload.day: YYYY-MM-DD',
          payload: '{}',
          at: NOW,
        },
      ],
    });
    await stores.central.writeDeadLetter({
      key: 'k2',
      site: null,
      gatewayId: null,
      topic: 't',
      batchId: null,
      reason: 'not JSON',
      payload: 'x',
      at: NOW,
    });
    await stores.central.writeGatewayStatus({
      site: 'campus',
      gatewayId: 'gw-7',
      state: 'online',
      at: NOW - 2000,
    });
    const r = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await r.text();
    assert.match(
      text,
      /^hallgate_central_dead_letters_total\{reason="items\.N\.payload\.day: YYYY-MM-DD"\} 1$/m,
    );
    assert.match(text, /^hallgate_central_dead_letters_total\{reason="not JSON"\} 1$/m);
    assert.match(text, /^hallgate_central_write_seconds_count 1$/m);
    assert.match(text, /^hallgate_gateway_last_seen_seconds\{site="campus",gateway="gw-7"\} 2$/m);
    assert.doesNotMatch(text, /CAFE01/);
    assert.equal((await fetch(`${api.url}/readyz`)).status, 200, 'no aggregator to wait for');
    assert.equal(normaliseReason("unknown student 'S123'; more"), 'unknown student …');
    // The aggregator's own counters, by outcome.
    const m = new ApiMetrics({ central: stores.central, stats: () => stats, now: () => NOW });
    const agg = await m.registry.metrics();
    assert.match(agg, /^hallgate_central_batches_total\{outcome="written"\} 3$/m);
    assert.match(agg, /^hallgate_central_batches_total\{outcome="rejected"\} 1$/m);
    assert.match(agg, /^hallgate_central_items_total\{outcome="written"\} 41$/m);
    assert.match(agg, /^hallgate_central_items_total\{outcome="dead_lettered"\} 2$/m);
  });
});
