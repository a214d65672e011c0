import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface MosquittoUser {
  username: string;
  password: string;
}

export interface MosquittoOptions {
  /** Keep retained messages and sessions across restarts (on disk in the temp dir). */
  persistence?: boolean;
  /** When given, anonymous clients are refused and these users get a password file. */
  users?: MosquittoUser[];
  /** ACL file contents (mosquitto acl_file syntax). */
  acl?: string;
  /** Extra mosquitto.conf lines (global settings such as `max_packet_size`). */
  config?: string[];
  /** Serve TLS with these PEM files (the listener then speaks only mqtts). */
  tls?: { caFile: string; certFile: string; keyFile: string; requireCertificate?: boolean };
}

/** The mosquitto binary on PATH or in the sbin dirs Debian installs it to; null when absent. */
function which(bin: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) {
    if (d && existsSync(join(d, bin))) return join(d, bin);
  }
  return null;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A real Mosquitto broker for one test file: a free loopback port, a
 * generated config in a temp dir, stop/kill/restart on the same port, and
 * cleanup of the process and the dir.
 */
export class Mosquitto {
  private proc: ChildProcess | null = null;
  private stderr = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
    private readonly scheme: 'mqtt' | 'mqtts',
  ) {}

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  static async start(opts: MosquittoOptions = {}): Promise<Mosquitto> {
    const bin = which('mosquitto');
    if (!bin) {
      throw new Error(
        'mosquitto is not installed: run `sudo apt-get install -y mosquitto` (or the project setup script) before the sync tests',
      );
    }
    const dir = mkdtempSync(join(tmpdir(), 'hallgate-mosquitto-'));
    const port = await freePort();
    const lines = [
      `listener ${port} 127.0.0.1`,
      'user root',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
    ];
    lines.push(...(opts.config ?? []));
    if (opts.persistence)
      lines.push('persistence true', `persistence_location ${dir}/`, 'autosave_interval 1');
    else lines.push('persistence false');
    if (opts.users) {
      const pw = join(dir, 'passwd');
      writeFileSync(pw, '');
      for (const u of opts.users) {
        const r = spawnSync('mosquitto_passwd', ['-b', pw, u.username, u.password], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
      }
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else {
      lines.push('allow_anonymous true');
    }
    if (opts.tls) {
      lines.push(`cafile ${opts.tls.caFile}`, `certfile ${opts.tls.certFile}`, `keyfile ${opts.tls.keyFile}`);
      if (opts.tls.requireCertificate) lines.push('require_certificate true');
    }
    if (opts.acl !== undefined) {
      const acl = join(dir, 'acl');
      writeFileSync(acl, opts.acl);
      lines.push(`acl_file ${acl}`);
    }
    writeFileSync(join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
    const m = new Mosquitto(port, dir, bin, opts.tls ? 'mqtts' : 'mqtt');
    try {
      await m.restart();
    } catch (err) {
      m.cleanup();
      throw err;
    }
    return m;
  }

  /** Starts the broker again on the same port (after stop or kill). */
  async restart(): Promise<void> {
    if (this.proc) return;
    this.stderr = '';
    const proc = spawn(this.bin, ['-c', join(this.dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    proc.once('exit', () => {
      if (this.proc === proc) this.proc = null;
    });
    this.proc = proc;
    for (let i = 0; i < 100; i++) {
      if (proc.exitCode !== null) break;
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error(`mosquitto did not start on port ${this.port}: ${this.stderr}`);
  }

  /** Graceful stop (SIGTERM; persistence is saved). */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  /** Crash (SIGKILL; nothing saved since the last autosave). */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(sig);
    await exited;
    this.proc = null;
  }

  /** Kills the broker and removes its temp dir. */
  async close(): Promise<void> {
    await this.kill();
    this.cleanup();
  }

  private cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
