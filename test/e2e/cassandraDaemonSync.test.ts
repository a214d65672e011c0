import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { silentLogger } from '../../kernel/log.ts';
import { CassandraCentralStore } from '../../sync/aggregator/cassandraCentralStore.ts';
import { cassandraSkip, cassandraTarget, dropKeyspace, freshKeyspace } from '../helpers/cassandra.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { waitFor } from '../sync/fixtures/waitFor.ts';

const DRAIN_MS = 180_000;

/**
 * The deployment in miniature with Cassandra at the centre, every part a real
 * process: `hallgate run` reading a socat pty, a real Mosquitto, `hallgate
 * aggregator` configured for Cassandra (aggregator.store: cassandra) and a
 * real node. The aggregator is SIGKILLed during the burst and started again:
 * every event, record and invalid attempt of the gateway is in Cassandra
 * exactly once.
 */
describe('end to end: daemon -> Mosquitto -> aggregator -> Cassandra', { skip: cassandraSkip() }, () => {
  it('delivers every event once through an aggregator killed mid-burst', async () => {
    const target = cassandraTarget()!;
    const keyspace = freshKeyspace();
    after(() => dropKeyspace(target, keyspace));
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const pty = await startPtyPair();
    after(() => pty.stop());
    const gwDb = join(dir, 'gw.db');
    const cfgPath = join(dir, 'gw.yaml');
    const aggPath = join(dir, 'agg.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-cass, site: campus, hallId: HALL-A }',
        `store: { path: ${gwDb} }`,
        'watchdog: { sweepSec: 1 }',
        `mqtt: { enabled: true, url: "${broker.url}", lingerMs: 50, ackTimeoutMs: 5000 }`,
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: unknown, debounceMs: 0 }`,
      ].join('\n'),
    );
    writeFileSync(
      aggPath,
      [
        `mqtt: { url: "${broker.url}" }`,
        'aggregator:',
        '  store: cassandra',
        '  cassandra:',
        `    contactPoints: ${JSON.stringify(target.contactPoints)}`,
        `    localDataCenter: ${target.localDataCenter}`,
        `    keyspace: ${keyspace}`,
        `    replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}"`,
        '    consistency: localQuorum',
      ].join('\n'),
    );

    const campus = ['--students', '30', '--seed', '11', '--invalid-pct', '5'];
    assert.equal(
      (await runCli(['simulate', '--config', cfgPath, '--seed-store', '--live', ...campus])).code,
      0,
    );
    const startAggregator = () =>
      startCli(['aggregator', '--config', aggPath], /aggregator running/, { LOG_LEVEL: 'info' }, 120_000);
    const first = await startAggregator();
    after(() => first.child.kill('SIGKILL'));
    const daemon = await startCli(['run', '--config', cfgPath], /gateway running/, { LOG_LEVEL: 'info' });
    const daemonExit = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));

    const store = new CassandraCentralStore(
      { ...target, keyspace, consistency: 'localQuorum' },
      silentLogger(),
    );
    await store.start();
    after(() => store.stop());

    // The burst: frames through the pty while the aggregator is killed and restarted.
    const feeding = runCli(
      ['simulate', '--config', cfgPath, '--device', pty.writerPath, '--rate', '100', ...campus],
      {},
      DRAIN_MS,
    );
    await waitFor(async () => (await store.counts()).events >= 20, 'burst reaching Cassandra', DRAIN_MS);
    first.child.kill('SIGKILL');
    const atKill = (await store.counts()).events;
    const second = await startAggregator();
    after(() => second.child.kill('SIGKILL'));
    const fed = await feeding;
    assert.equal(fed.code, 0, fed.stderr);

    const gw = new Database(gwDb, { readonly: true });
    after(() => gw.close());
    const gcount = (sql: string): number => (gw.prepare(sql).get() as { n: number }).n;
    await waitFor(() => gcount('SELECT COUNT(*) n FROM outbox') === 0, 'outbox drained', DRAIN_MS);
    // The sweep finalises sessions after the burst: wait for the counts to settle on both sides.
    await waitFor(
      async () => {
        const c = await store.counts();
        return (
          gcount('SELECT COUNT(*) n FROM outbox') === 0 &&
          c.events === gcount('SELECT COUNT(*) n FROM events') &&
          c.invalid === gcount('SELECT COUNT(*) n FROM invalid_attempts') &&
          c.records === gcount('SELECT COUNT(*) n FROM attendance_records')
        );
      },
      'central counts equal to the gateway',
      DRAIN_MS,
    );

    // Exactly once, by id: every student's events of the day in Cassandra are the gateway's.
    const local = gw.prepare('SELECT event_id, student_id, day FROM events').all() as {
      event_id: string;
      student_id: string | null;
      day: string;
    }[];
    assert.ok(local.length > 50, `${local.length} events`);
    assert.ok(atKill < local.length, `killed during the burst (${atKill} of ${local.length} events in)`);
    const keys = new Set(local.filter((e) => e.student_id !== null).map((e) => `${e.student_id}\0${e.day}`));
    const remote: string[] = [];
    for (const k of keys) {
      const [student, day] = k.split('\0') as [string, string];
      remote.push(...(await store.eventsByStudentDay(student, day)).map((e) => e.eventId));
    }
    const want = local.filter((e) => e.student_id !== null).map((e) => e.event_id);
    assert.equal(remote.length, want.length, 'no event lost or duplicated');
    assert.deepEqual(new Set(remote), new Set(want));
    const day = local[0]!.day;
    const records = await store.recordsByDayRange(day, day);
    assert.equal(records.length, gcount('SELECT COUNT(*) n FROM attendance_records'));

    daemon.child.kill('SIGTERM');
    assert.equal(await daemonExit, 0);
  });
});
