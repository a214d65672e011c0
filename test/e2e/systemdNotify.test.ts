import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startCli, waitFor } from '../helpers/cli.ts';
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
