import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../kernel/log.ts';
import { hashToken } from '../../sync/api/auth.ts';
import { CassandraCampusStore } from '../../sync/campus/cassandraCampusStore.ts';
import {
  cassandraSkip,
  cassandraTarget,
  dropKeyspace,
  freshKeyspace,
  testStoreOptions,
} from '../helpers/cassandra.ts';
import { startCli } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('hallgate aggregator with store cassandra', { skip: cassandraSkip() }, () => {
  it('keeps the campus the API writes in the Cassandra keyspace and exits 0 on SIGTERM', async () => {
    const target = cassandraTarget()!;
    const keyspace = freshKeyspace();
    after(() => dropKeyspace(target, keyspace));
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const port = await freePort();
    const cfg = join(dir, 'agg.yaml');
    writeFileSync(
      cfg,
      [
        `mqtt: { url: "${broker.url}" }`,
        'aggregator:',
        '  store: cassandra',
        '  cassandra:',
        `    contactPoints: [${target.contactPoints.map((p) => `"${p}"`).join(', ')}]`,
        `    localDataCenter: ${target.localDataCenter}`,
        `    keyspace: ${keyspace}`,
        `    replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}"`,
        '    consistency: one',
        `  http: { host: 127.0.0.1, port: ${port} }`,
        `  api: { tokens: [{ name: ops, role: admin, sha256: ${hashToken('s3cret-admin')} }] }`,
      ].join('\n'),
    );
    const agg = await startCli(['aggregator', '--config', cfg], /aggregator running/, { LOG_LEVEL: 'info' });
    after(() => agg.child.kill('SIGKILL'));
    const headers = { authorization: 'Bearer s3cret-admin', 'content-type': 'application/json' };
    const put = await fetch(`http://127.0.0.1:${port}/api/v1/config/thresholds`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ graceSec: 240 }),
    });
    assert.equal(put.status, 200);
    const exit = exitOf(agg.child);
    agg.child.kill('SIGTERM');
    assert.equal(await exit, 0);

    // What the API wrote is in the keyspace's campus tables, read back by a store of our own.
    const campus = new CassandraCampusStore(testStoreOptions(target, keyspace), silentLogger());
    await campus.start();
    try {
      assert.deepEqual(await campus.siteThresholds(), { graceSec: 240 });
    } finally {
      await campus.stop();
    }
  });
});
