import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink } from '../../sync/uplink.ts';
import { startBroker, type TestBroker } from './fixtures/brokers.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

describe('hallgate aggregator --config FILE', () => {
  let broker: TestBroker;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-aggcmd-'));
    broker = await startBroker('mosquitto');
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs from a config file, stores acknowledged batches, and exits 0 on SIGTERM', async () => {
    const central = join(dir, 'central.db');
    const cfgFile = join(dir, 'hallgate.yaml');
    writeFileSync(
      cfgFile,
      `mqtt:\n  url: ${broker.url}\naggregator:\n  sqlitePath: ${central}\n  group: g1\nlog:\n  level: info\n`,
    );
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'fixtures', 'aggregatorCommandMain.ts'),
        '--config',
        cfgFile,
      ],
      {
        env: { ...process.env, LOG_LEVEL: 'info', LOG_PRETTY: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('aggregator subscribed'), 'aggregator subscribed log line', 120_000);
      const db = openGatewayDb(join(dir, 'gw.db'));
      queue(db, events(300, 'cmd'));
      const outbox = new Outbox(
        new SqliteOutboxQueue(db),
        { maxRows: 1e6, minDiskFreeBytes: 0 },
        { log: silentLogger(), clock: systemClock },
      );
      const uplink = new Uplink(
        { url: broker.url, site: 'campus', gatewayId: 'gw-1', version: 't', lingerMs: 10, pollMs: 20 },
        { outbox, log: silentLogger(), clock: systemClock },
      );
      await uplink.start();
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained through the command');
      await uplink.stop();
      db.close();
    } finally {
      proc.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    const store = new SqliteCentralStore(central);
    await store.start();
    assert.equal((await store.counts()).events, 300);
    await store.stop();
  });
});
