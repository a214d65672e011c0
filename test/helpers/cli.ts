import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const HALLGATE = join(import.meta.dirname, '../../bin/hallgate.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `hallgate ARGS` as a real process and collects its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HALLGATE, ...args], {
      env: { ...process.env, LOG_PRETTY: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hallgate ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `hallgate ARGS` in the background; resolves once a stdout line matches `ready`. */
export function startCli(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HALLGATE, ...args], {
      env: { ...process.env, LOG_PRETTY: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`hallgate ${args.join(' ')} not ready in time:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (!done && ready.test(out)) {
        done = true;
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`hallgate ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

/** Polls `check` until it returns true; `timeoutMs` is a generous bound for a busy machine, not a timing assertion. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Inputs a daemon (run with LOG_LEVEL=debug) stored once although it read them twice: its debug line per duplicate. */
export function duplicatesLogged(output: string): number {
  return output.match(/duplicate event ignored/g)?.length ?? 0;
}
