import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { SCHEMA_VERSION } from '../../sync/schema.ts';
import { configTopic } from '../../sync/topics.ts';
import { duplicatesLogged, runCli, startCli, waitFor } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * The deployment in miniature, every part a real process: a real Mosquitto,
 * `hallgate aggregator` with its SQLite store, and `hallgate run` reading a
 * socat pty with MQTT sync on. A roster version published by the site reaches
 * the gateway (Bloom rebuilt: the new card is admitted) and every event
 * reaches the central store exactly once.
 */
describe('end to end: gateway daemon -> Mosquitto -> aggregator, and config downlink', () => {
  it('delivers every event once and applies a roster version from the site', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const pty = await startPtyPair();
    after(() => pty.stop());
    const gwDb = join(dir, 'gw.db');
    const centralDb = join(dir, 'central.db');
    const cfgPath = join(dir, 'gw.yaml');
    const aggPath = join(dir, 'agg.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-sync, site: campus, hallId: HALL-A }',
        `store: { path: ${gwDb} }`,
        'watchdog: { sweepSec: 1 }',
        `mqtt: { enabled: true, url: "${broker.url}", lingerMs: 50, ackTimeoutMs: 2000 }`,
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: unknown, debounceMs: 0 }`,
      ].join('\n'),
    );
    writeFileSync(
      aggPath,
      `mqtt: { url: "${broker.url}" }\naggregator: { store: sqlite, sqlitePath: ${centralDb} }\n`,
    );

    const campus = ['--students', '20', '--seed', '9', '--invalid-pct', '5'];
    assert.equal(
      (await runCli(['simulate', '--config', cfgPath, '--seed-store', '--live', ...campus])).code,
      0,
    );
    const aggregator = await startCli(['aggregator', '--config', aggPath], /aggregator running/, {
      LOG_LEVEL: 'info',
    });
    after(() => aggregator.child.kill('SIGKILL'));
    // Debug lines: the daemon logs each same-millisecond repeat it stores once (see below).
    const daemon = await startCli(['run', '--config', cfgPath], /gateway running/, { LOG_LEVEL: 'debug' });
    const daemonExit = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));

    // The site publishes a roster version with one more student (retained, as the downlink expects).
    const gw = new Database(gwDb, { readonly: true });
    after(() => gw.close());
    const roster = (
      gw.prepare('SELECT student_id AS studentId, name, card_uid AS cardUid FROM students').all() as {
        studentId: string;
        name: string;
        cardUid: string;
      }[]
    ).concat({
      studentId: 'S-NEW',
      name: 'Late Enrolment',
      cardUid: 'ABCDEF0123',
    });
    const site = await mqtt.connectAsync(broker.url, { clientId: 'site-admin' });
    await site.publishAsync(
      configTopic('campus', 'roster'),
      JSON.stringify({
        schemaVersion: SCHEMA_VERSION,
        kind: 'roster',
        version: 7,
        issuedAt: Date.now(),
        data: roster,
      }),
      {
        qos: 1,
        retain: true,
      },
    );
    await site.endAsync();
    const gcount = (sql: string): number => (gw.prepare(sql).get() as { n: number }).n;
    await waitFor(
      () => gcount("SELECT COUNT(*) n FROM students WHERE student_id = 'S-NEW'") === 1,
      'roster version applied',
      120_000,
    );

    const fed = await runCli([
      'simulate',
      '--config',
      cfgPath,
      '--device',
      pty.writerPath,
      '--rate',
      '200',
      ...campus,
    ]);
    assert.equal(fed.code, 0, fed.stderr);
    const written = Number(/wrote (\d+) em4100 frame/.exec(fed.stdout)?.[1]);
    const fd = openSync(pty.writerPath, 'w');
    writeSync(fd, encodeEm4100('ABCDEF0123'));
    closeSync(fd);

    const central = new Database(centralDb, { readonly: true, fileMustExist: true });
    after(() => central.close());
    const ccount = (sql: string): number => (central.prepare(sql).get() as { n: number }).n;
    // Generous bounds (a busy machine is slow, not wrong), and an exact count: every frame written is
    // one event centrally, unless the daemon read one card twice in one chunk (same millisecond, same
    // event id: stored once and logged as a duplicate; see serialToRecords.test.ts).
    let arrived = 0;
    let repeats = 0;
    await waitFor(
      () => {
        arrived = ccount('SELECT COUNT(*) n FROM events');
        repeats = duplicatesLogged(daemon.output());
        return arrived + repeats >= written + 1;
      },
      `${written + 1} events centrally`,
      120_000,
    ).catch((err: Error) =>
      assert.fail(
        `${err.message}; ${arrived} arrived, ${repeats} repeats, ${gcount('SELECT COUNT(*) n FROM events')} stored locally`,
      ),
    );
    assert.equal(arrived + repeats, written + 1, 'every frame delivered once');
    await waitFor(() => gcount('SELECT COUNT(*) n FROM outbox') === 0, 'outbox drained', 120_000);

    // Exactly once, the same events on both sides; the late-enrolled card was admitted.
    const local = new Set(
      (gw.prepare('SELECT event_id FROM events').all() as { event_id: string }[]).map((r) => r.event_id),
    );
    const remote = (central.prepare('SELECT event_id FROM events').all() as { event_id: string }[]).map(
      (r) => r.event_id,
    );
    assert.equal(remote.length, local.size);
    for (const id of remote) assert.ok(local.has(id));
    assert.equal(
      gcount("SELECT COUNT(*) n FROM events WHERE raw_id = 'ABCDEF0123' AND student_id = 'S-NEW'"),
      1,
    );
    assert.equal(
      ccount('SELECT COUNT(*) n FROM invalid_attempts'),
      gcount('SELECT COUNT(*) n FROM invalid_attempts'),
    );
    assert.ok(ccount('SELECT COUNT(*) n FROM records') > 0);
    assert.ok(
      ccount("SELECT COUNT(*) n FROM events WHERE lecture_id LIKE 'C1%'") > 0,
      'events are filed under their lecture',
    );

    daemon.child.kill('SIGTERM');
    assert.equal(await daemonExit, 0);
  });
});
