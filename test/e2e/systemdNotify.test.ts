import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCli, waitFor } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * systemd's side of Type=notify, played by socat on a unix datagram socket:
 * the daemon must say READY=1 once started, ping WATCHDOG=1 while healthy,
 * and STOPPING=1 on SIGTERM.
 */
describe('systemd readiness and watchdog', () => {
  it('sends READY=1, WATCHDOG=1 pings and STOPPING=1 to NOTIFY_SOCKET', async () => {
    const dir = tempDir();
    const sock = join(dir, 'notify.sock');
    const got = join(dir, 'notify.out');
    const socat = spawn('socat', ['-u', `UNIX-RECV:${sock}`, `CREATE:${got}`], { stdio: 'ignore' });
    after(() => socat.kill('SIGKILL'));
    await waitFor(() => {
      try {
        readFileSync(got);
        return true;
      } catch {
        return false;
      }
    }, 'socat listening');
    const cfg = join(dir, 'gw.yaml');
    writeFileSync(cfg, `store: { path: ${join(dir, 'gw.db')} }\nwatchdog: { sweepSec: 1 }\n`);
    const daemon = await startCli(['run', '--config', cfg], /gateway running/, {
      LOG_LEVEL: 'info',
      NOTIFY_SOCKET: sock,
      WATCHDOG_USEC: '400000',
    });
    const exited = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));
    const text = (): string => readFileSync(got, 'utf8');
    await waitFor(() => text().includes('READY=1'), 'READY=1');
    await waitFor(() => (text().match(/WATCHDOG=1/g) ?? []).length >= 2, 'two watchdog pings');
    assert.match(text(), /MAINPID=\d+/);
    daemon.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor(() => text().includes('STOPPING=1'), 'STOPPING=1');
  });

  it('the aggregator says READY=1 and pings the watchdog too (Type=notify)', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const sock = join(dir, 'notify.sock');
    const got = join(dir, 'notify.out');
    const socat = spawn('socat', ['-u', `UNIX-RECV:${sock}`, `CREATE:${got}`], { stdio: 'ignore' });
    after(() => socat.kill('SIGKILL'));
    const text = (): string => {
      try {
        return readFileSync(got, 'utf8');
      } catch {
        return '';
      }
    };
    await waitFor(() => existsSync(got), 'socat listening');
    const cfg = join(dir, 'agg.yaml');
    writeFileSync(
      cfg,
      `mqtt: { url: "${broker.url}" }\naggregator: { sqlitePath: ${join(dir, 'central.db')} }\n`,
    );
    const agg = await startCli(['aggregator', '--config', cfg], /aggregator running/, {
      LOG_LEVEL: 'info',
      NOTIFY_SOCKET: sock,
      WATCHDOG_USEC: '400000',
    });
    const exited = new Promise<number | null>((r) => agg.child.once('exit', r));
    after(() => agg.child.kill('SIGKILL'));
    await waitFor(() => text().includes('READY=1'), 'READY=1', 60_000);
    await waitFor(() => (text().match(/WATCHDOG=1/g) ?? []).length >= 2, 'two watchdog pings', 60_000);
    agg.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor(() => text().includes('STOPPING=1'), 'STOPPING=1', 60_000);
  });

  for (const unit of ['hallgate.service', 'hallgate-aggregator.service']) {
    it(`systemd/${unit} rates at most 3.0 in systemd-analyze security, with the state private`, (t) => {
      const path = join(import.meta.dirname, '../../systemd', unit);
      const text = readFileSync(path, 'utf8');
      for (const line of ['UMask=0077', 'StateDirectoryMode=0700', 'CapabilityBoundingSet=', 'Type=notify']) {
        assert.match(text, new RegExp(`^${line}$`, 'm'), line);
      }
      assert.match(text, /^After=.*mosquitto\.service/m);
      if (unit === 'hallgate.service') {
        for (const dev of ['ttyS', 'ttyUSB', 'ttyACM', 'ttyAMA'])
          assert.match(text, new RegExp(`^DeviceAllow=char-${dev} rw$`, 'm'));
      } else assert.match(text, /^Wants=.*cassandra\.service/m);
      const r = spawnSync('systemd-analyze', ['security', '--offline=yes', path], { encoding: 'utf8' });
      if (r.error || /unrecognized option|unknown option/i.test(r.stderr)) {
        t.skip('systemd-analyze security --offline is not available (systemd >= 252)');
        return;
      }
      const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(r.stdout);
      assert.ok(m, r.stdout + r.stderr);
      assert.ok(Number(m[1]) <= 3.0, `${unit}: exposure ${m[1]}\n${r.stdout}`);
    });
  }

  for (const unit of ['hallgate.service', 'hallgate-aggregator.service']) {
    it(`systemd/${unit} passes systemd-analyze verify`, (t) => {
      const probe = spawnSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
      if (probe.error) {
        t.skip('systemd-analyze is not installed (Debian package systemd)');
        return;
      }
      const r = spawnSync('systemd-analyze', ['verify', join(import.meta.dirname, '../../systemd', unit)], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', r.stderr);
    });
  }
});
