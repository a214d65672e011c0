import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { configSchema } from '../../gateway/config/schema.ts';
import { silentLogger } from '../../kernel/log.ts';
import { createCentralStore } from '../../sync/aggregator/startAggregator.ts';
import { tempDir } from '../helpers/tempDir.ts';

it('aggregator.deadLetters bounds the central dead letters of the configured store', async () => {
  const dir = tempDir();
  const cfg = configSchema.parse({
    aggregator: { sqlitePath: join(dir, 'central.db'), deadLetters: { maxRows: 2, maxPayloadBytes: 300 } },
  });
  const store = createCentralStore(cfg.aggregator, silentLogger());
  await store.start();
  try {
    for (let i = 0; i < 3; i++)
      await store.writeDeadLetter({
        key: `k${i}`,
        site: 'campus',
        gatewayId: 'gw-1',
        topic: 't',
        batchId: null,
        reason: 'not JSON',
        payload: 'z'.repeat(1000),
        at: i,
      });
    const rows = await store.deadLetters();
    assert.deepEqual(
      rows.map((r) => [r.key, r.payload.length, r.payloadBytes]),
      [
        ['k1', 300, 1000],
        ['k2', 300, 1000],
      ],
    );
    assert.equal(await store.droppedDeadLetters(), 1);
  } finally {
    await store.stop();
  }
});
