import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** GET on the daemon's health port: status and body. */
async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

/** Polls until `check` holds for a fetched page (generous deadline: the machine is busy). */
async function waitForPage(
  port: number,
  path: string,
  check: (p: { status: number; body: string }) => boolean,
  what: string,
): Promise<{ status: number; body: string }> {
  let last = { status: 0, body: '' };
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    last = await get(port, path);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last ${path}: ${last.status}\n${last.body}`);
}

function sample(metrics: string, name: string, labels = ''): number | undefined {
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith(`${name}${labels} `) || l.startsWith(`${name}${labels}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** The keys of a JSON object's top level, in order, duplicates kept (JSON.parse would drop them). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(json.slice(i + 1, j));
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

describe('health and metrics on health.port', () => {
  it('serves /healthz, /readyz and Prometheus /metrics from a daemon reading a real pty', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, 'gw.db');
    const cfgPath = join(dir, 'gw.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-health, site: campus, hallId: HALL-A }',
        `store: { path: ${db} }`,
        'watchdog: { sweepSec: 1 }',
        'health: { port: 0 }',
        `mqtt: { enabled: true, url: "${broker.url}", lingerMs: 20 }`,
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: enter, debounceMs: 0 }`,
      ].join('\n'),
    );
    const seeded = await runCli([
      'simulate',
      '--config',
      cfgPath,
      '--seed-store',
      '--live',
      '--students',
      '10',
    ]);
    assert.equal(seeded.code, 0, seeded.stderr);
    const ro = new Database(db, { readonly: true, fileMustExist: true });
    after(() => ro.close());
    const card = ro
      .prepare('SELECT card_uid FROM students WHERE card_uid IS NOT NULL LIMIT 1')
      .pluck()
      .get() as string;

    const daemon = await startCli(['run', '--config', cfgPath], /health endpoint listening/, {
      LOG_LEVEL: 'info',
    });
    after(() => daemon.child.kill('SIGKILL'));
    const line = daemon
      .output()
      .split('\n')
      .find((l) => l.includes('health endpoint listening'))!;
    const port = (JSON.parse(line) as { port: number }).port;
    assert.ok(port > 0, daemon.output());

    const alive = await get(port, '/healthz');
    assert.equal(alive.status, 200);
    assert.equal((JSON.parse(alive.body) as { status: string }).status, 'alive');
    const ready = await waitForPage(port, '/readyz', (p) => p.status === 200, 'ready');
    assert.deepEqual(JSON.parse(ready.body), { status: 'ready', reasons: [] });

    // A known card, an unknown card and garbage on the line.
    const fd = openSync(pty.writerPath, 'w');
    writeSync(fd, encodeEm4100(card));
    writeSync(fd, encodeEm4100('FFFFFFFFF1'));
    writeSync(fd, Buffer.from('\x02ZZZZ\r\n\x03'));
    closeSync(fd);

    const m = await waitForPage(
      port,
      '/metrics',
      (p) =>
        sample(p.body, 'hallgate_swipes_total', '{source="rfid",result="accepted"}') === 1 &&
        sample(p.body, 'hallgate_swipes_total', '{source="rfid",result="invalid"}') === 1 &&
        (sample(p.body, 'hallgate_uplink_batches_sent_total') ?? 0) >= 1 &&
        (sample(p.body, 'hallgate_classification_latency_seconds_count') ?? 0) >= 1 &&
        // Runs of bad frames are written in batches (within a second), so wait for the row too.
        (sample(p.body, 'hallgate_dead_letters') ?? 0) >= 1,
      'the swipes counted and the garbage dead-lettered',
    );
    const names = new Set(
      [...m.body.matchAll(/^(hallgate_[a-z_]+?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((x) => x[1]),
    );
    assert.ok(names.size >= 10, [...names].join(', '));
    for (const n of [
      'hallgate_build_info',
      'hallgate_swipes_total',
      'hallgate_invalid_attempts_total',
      'hallgate_invalid_frames_total',
      'hallgate_reader_state',
      'hallgate_reader_reconnects_total',
      'hallgate_outbox_depth',
      'hallgate_outbox_oldest_age_seconds',
      'hallgate_dead_letters',
      'hallgate_classification_latency_seconds',
      'hallgate_uplink_batches_sent_total',
      'hallgate_uplink_connected',
      'hallgate_disk_free_bytes',
    ]) {
      assert.ok(names.has(n), `${n} missing`);
    }
    assert.equal(sample(m.body, 'hallgate_reader_state', '{reader="r1",state="open"}'), 1);
    assert.equal(sample(m.body, 'hallgate_invalid_attempts_total', '{reason="unknown_badge"}'), 1);
    assert.ok((sample(m.body, 'hallgate_dead_letters') ?? 0) >= 1, 'garbage dead-lettered');
    assert.match(m.body, /^process_cpu_seconds_total /m);
    assert.match(m.body, /^# TYPE hallgate_swipes_total counter$/m);
    // No card or student id in any label.
    assert.ok(!m.body.includes(card) && !m.body.includes('FFFFFFFFF1'), 'a card id in the metrics');

    // Every log line is JSON with each key once (pino writes a key twice when a component binds what its parent bound).
    for (const line of daemon
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))) {
      const keys = topLevelKeys(line);
      assert.equal(new Set(keys).size, keys.length, `a key twice: ${line}`);
    }

    // The reader unplugged: alive, but not ready, saying why.
    await pty.unplug();
    const degraded = await waitForPage(port, '/readyz', (p) => p.status === 503, 'not ready');
    assert.match(degraded.body, /reader r1 (reconnecting|closed|connecting)/);
    assert.equal((await get(port, '/healthz')).status, 200);
    assert.equal((await get(port, '/nope')).status, 404);
  });
});
