import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type Database from 'better-sqlite3';
import mqtt from 'mqtt';
import type { Config } from '../config/schema.ts';
import { fail, ok, skip, type CheckResult } from './check.ts';

/**
 * The checks of `hallgate doctor` that look past the store: the camera, the
 * broker (with these credentials), the clock, systemd.
 */

function tcpReachable(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (err: string | null): void => {
      s.destroy();
      resolve(err);
    };
    s.setTimeout(timeoutMs, () => done(`no answer in ${timeoutMs / 1000} s`));
    s.once('connect', () => done(null));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

export async function cameraReachable(cfg: Config): Promise<CheckResult> {
  const name = 'camera';
  if (!cfg.camera.enabled) return skip(name, 'camera disabled');
  const input = cfg.camera.input;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    const url = new URL(input);
    const defaults: Record<string, number> = { 'rtsp:': 554, 'rtsps:': 322, 'http:': 80, 'https:': 443 };
    const port = url.port ? Number(url.port) : (defaults[url.protocol] ?? 554);
    const err = await tcpReachable(url.hostname, port, 5000);
    return err === null
      ? ok(name, `${url.hostname}:${port} answers`)
      : fail(
          name,
          `${url.hostname}:${port}: ${err}`,
          'power the camera, check its address in camera.input and the network',
        );
  }
  return existsSync(input)
    ? ok(name, `${input} present`)
    : fail(name, `${input} is not there`, 'plug the camera in or set camera.input (ls /dev/video*)');
}

export async function brokerReachable(cfg: Config): Promise<CheckResult> {
  const name = 'broker';
  if (!cfg.mqtt.enabled) return skip(name, 'mqtt.enabled is false (no sync)');
  const m = cfg.mqtt;
  try {
    const client = await mqtt.connectAsync(m.url, {
      clientId: `${cfg.gateway.id}-doctor-${process.pid}`,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ...(m.username !== undefined ? { username: m.username } : {}),
      ...(m.password !== undefined ? { password: m.password } : {}),
      ...(m.caFile ? { ca: readFileSync(m.caFile) } : {}),
      ...(m.certFile ? { cert: readFileSync(m.certFile) } : {}),
      ...(m.keyFile ? { key: readFileSync(m.keyFile) } : {}),
    });
    await client.endAsync();
    return ok(
      name,
      `${m.url} accepts ${m.username ?? 'anonymous'}${m.certFile ? ' with the client certificate' : ''}`,
    );
  } catch (err) {
    const msg = (err as Error).message;
    const fix = /auth|not authori[sz]ed|bad user/i.test(msg)
      ? 'check mqtt.username/mqtt.password (or the client certificate) against the broker'
      : /certificate|self.signed|tls|ssl/i.test(msg)
        ? 'check mqtt.caFile, certFile and keyFile belong to this broker'
        : 'check mqtt.url, the network and that the broker runs';
    return fail(name, `${m.url}: ${msg}`, fix);
  }
}

/**
 * The clock: against the aggregator when the running daemon has measured the
 * skew (acks carry the aggregator's time; `skewSec`, see daemonSkew.ts),
 * else against NTP (timedatectl); and against the newest stored event (a
 * clock that went back) either way.
 */
export function clockSkew(
  db: Database.Database | null,
  now: number,
  measured: { skewSec: number | null | undefined; maxSkewSec: number } = {
    skewSec: undefined,
    maxSkewSec: Infinity,
  },
): CheckResult {
  const name = 'clock';
  if (db) {
    const newest = db.prepare('SELECT MAX(received_at) FROM events').pluck().get() as number | null;
    if (newest !== null && newest - now > 60_000) {
      return fail(
        name,
        `the newest stored event is ${Math.round((newest - now) / 1000)} s ahead of this clock`,
        'set the time (timedatectl set-ntp true) and check the RTC battery',
      );
    }
  }
  const { skewSec, maxSkewSec } = measured;
  if (typeof skewSec === 'number') {
    const what = `${skewSec >= 0 ? '+' : ''}${skewSec.toFixed(1)} s against the aggregator (limit ${maxSkewSec} s)`;
    if (Math.abs(skewSec) <= maxSkewSec) return ok(name, what);
    return fail(
      name,
      what,
      'set the time (timedatectl set-ntp true); until then events are flagged clock_suspect and no session is finalised',
    );
  }
  const t = spawnSync('timedatectl', ['show', '-p', 'NTPSynchronized', '--value'], { encoding: 'utf8' });
  if (t.error || t.status !== 0)
    return skip(name, 'timedatectl not available here; stored events are not in the future');
  if (t.stdout.trim() === 'yes') return ok(name, 'synchronised by NTP');
  return fail(
    name,
    'not synchronised by NTP',
    'timedatectl set-ntp true, and let the gateway reach an NTP server',
  );
}

export function systemdUnit(unit = 'hallgate.service'): CheckResult {
  const name = 'systemd unit';
  if (!existsSync('/run/systemd/system')) return skip(name, 'systemd is not running here');
  const active = spawnSync('systemctl', ['is-active', unit], { encoding: 'utf8' }).stdout.trim();
  const enabled = spawnSync('systemctl', ['is-enabled', unit], { encoding: 'utf8' }).stdout.trim();
  if (active === 'active' && enabled === 'enabled') return ok(name, `${unit} active and enabled`);
  return fail(
    name,
    `${unit} is ${active || 'unknown'} and ${enabled || 'unknown'}`,
    `systemctl enable --now ${unit}; journalctl -u ${unit} -n 50 says why it stopped`,
  );
}
