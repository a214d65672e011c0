import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A connected pair of pseudo-terminals made by socat: bytes written to one end are read at the other. */
export interface PtyPair {
  /** The end the code under test opens (like /dev/ttyUSB0). */
  readerPath: string;
  /** The far end, where the test (or simulator) plays the badge reader. */
  writerPath: string;
  /** Kills socat (both links disappear) and removes the temp dir if the helper made it. */
  stop(): Promise<void>;
  /** Kills socat and starts it again with the same link names (a far-end unplug and replug). */
  restart(): Promise<void>;
  /** Kills socat and leaves it down (the device is unplugged) until restart(). */
  unplug(): Promise<void>;
}

export interface PtyPairOptions {
  /** Directory for the two links (default: a fresh temp dir, removed by stop()). */
  dir?: string;
  /** Give up waiting for socat after this long (default 10 s). */
  readyTimeoutMs?: number;
}

/** Where the links of a pair in `dir` live (to point a reader at them before the pair exists). */
export function ptyPairPaths(dir: string): { readerPath: string; writerPath: string } {
  return { readerPath: join(dir, 'ttyReader'), writerPath: join(dir, 'ttyWriter') };
}

let socatChecked = false;
function requireSocat(): void {
  if (socatChecked) return;
  const r = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    throw new Error(
      'socat is not installed; the serial tests need it for pty pairs. Run `apt-get install -y socat` (scripts/setup installs it).',
    );
  }
  socatChecked = true;
}

/** Starts `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links exist. */
export async function startPtyPair(opts: PtyPairOptions = {}): Promise<PtyPair> {
  requireSocat();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'hallgate-pty-'));
  const { readerPath, writerPath } = ptyPairPaths(dir);
  const timeoutMs = opts.readyTimeoutMs ?? 60_000;
  let proc: ChildProcess | null = null;

  const launch = async (): Promise<void> => {
    rmSync(readerPath, { force: true });
    rmSync(writerPath, { force: true });
    const child = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${readerPath}`, `pty,raw,echo=0,link=${writerPath}`],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    proc = child;
    let stderr = '';
    let ready = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 10_000) stderr += d;
      if (d.includes('starting data transfer loop')) ready = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(ready && existsSync(readerPath) && existsSync(writerPath))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `socat exited (${child.exitCode ?? child.signalCode}) before the pty pair was ready:\n${stderr}`,
        );
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`socat pty pair not ready after ${timeoutMs} ms:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  const kill = async (): Promise<void> => {
    const child = proc;
    proc = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    rmSync(readerPath, { force: true });
    rmSync(writerPath, { force: true });
  };

  await launch();
  return {
    readerPath,
    writerPath,
    async stop() {
      await kill();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await kill();
      await launch();
    },
    async unplug() {
      await kill();
    },
  };
}
