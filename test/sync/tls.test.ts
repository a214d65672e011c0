import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

/** A throwaway CA and a server + client certificate signed by it (openssl). */
function makePki(dir: string) {
  const f = (n: string) => join(dir, n);
  const ssl = (args: string) => execFileSync('openssl', args.split(' '), { stdio: 'ignore' });
  ssl(
    `req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=hallgate-test-ca -keyout ${f('ca.key')} -out ${f('ca.crt')}`,
  );
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn, ext] of [
    ['server', '127.0.0.1', ` -extfile ${f('server.ext')}`],
    ['client', 'gw-1', ''],
  ] as const) {
    ssl(`req -newkey rsa:2048 -nodes -subj /CN=${cn} -keyout ${f(`${name}.key`)} -out ${f(`${name}.csr`)}`);
    ssl(
      `x509 -req -in ${f(`${name}.csr`)} -CA ${f('ca.crt')} -CAkey ${f('ca.key')} -CAcreateserial -days 1 -out ${f(`${name}.crt`)}${ext}`,
    );
  }
  return {
    ca: f('ca.crt'),
    serverCert: f('server.crt'),
    serverKey: f('server.key'),
    clientCert: f('client.crt'),
    clientKey: f('client.key'),
  };
}

describe('TLS with client certificates (real mosquitto)', () => {
  let dir: string;
  let pki: ReturnType<typeof makePki>;
  let broker: Mosquitto;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-tls-'));
    pki = makePki(dir);
    broker = await Mosquitto.start({
      tls: { caFile: pki.ca, certFile: pki.serverCert, keyFile: pki.serverKey, requireCertificate: true },
    });
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs over mqtts with CA, client certificate and key', async () => {
    assert.match(broker.url, /^mqtts:/);
    const tls = { caFile: pki.ca, certFile: pki.clientCert, keyFile: pki.clientKey };
    const store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    const agg = new Aggregator(
      { url: broker.url, group: 'g', tls },
      { store, log: silentLogger(), clock: systemClock },
    );
    let ready = false;
    agg.on('subscribed', () => (ready = true));
    await agg.start();
    const db = openGatewayDb(join(dir, 'gw.db'));
    queue(db, events(120, 'tls'));
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    const uplink = new Uplink(
      { url: broker.url, site: 'campus', gatewayId: 'gw-1', version: 't', tls, lingerMs: 10, pollMs: 20 },
      { outbox, log: silentLogger(), clock: systemClock },
    );
    try {
      await waitFor(() => ready, 'aggregator subscribed over TLS');
      await uplink.start();
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained over TLS');
      assert.equal((await store.counts()).events, 120);
    } finally {
      await uplink.stop();
      await agg.stop();
      await store.stop();
      db.close();
    }
  });
});
