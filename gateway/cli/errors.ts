import { HallgateError } from '../../kernel/errors.ts';

/** Exit codes of the CLI: 0 ok, 1 failed (config, file, store, device), 2 usage. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Plain words for the errno codes a user meets (the rest keep Node's message). */
const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
  EBUSY: 'device or resource busy',
  EADDRINUSE: 'address already in use',
  ECONNREFUSED: 'connection refused',
};

interface ErrnoLike {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
}

function errnoLine(err: Error & ErrnoLike): string | null {
  if (typeof err.code !== 'string' || !/^E[A-Z]+$/.test(err.code)) return null;
  const words = ERRNO_WORDS[err.code] ?? err.message.replace(/^E[A-Z]+: /, '').split(',')[0]!;
  if (typeof err.path === 'string') {
    const verb = typeof err.syscall === 'string' ? err.syscall.replace(/Sync$/, '') : 'use';
    return `cannot ${verb} ${err.path}: ${words} (${err.code})`;
  }
  if (typeof err.address === 'string') {
    const where = typeof err.port === 'number' ? `${err.address}:${err.port}` : err.address;
    return `cannot reach ${where}: ${words} (${err.code})`;
  }
  return `${words} (${err.code})`;
}

/** SQLite errors (better-sqlite3's SqliteError) carry a code like SQLITE_READONLY. */
function sqliteLine(err: Error & ErrnoLike): string | null {
  if (err.name !== 'SqliteError' || typeof err.code !== 'string') return null;
  return `SQLite: ${err.message} (${err.code})`;
}

/**
 * One line for an error, naming the file or option it is about; never a stack.
 * HallgateErrors already say what went wrong; errno and SQLite errors are put in
 * words; anything else is an internal error (its stack only with HALLGATE_DEBUG=1).
 */
export function errorLine(err: unknown): { line: string; exitCode: number; internal: boolean } {
  if (err instanceof HallgateError) {
    return {
      line: err.message,
      exitCode: err.code === 'USAGE' ? EXIT_USAGE : EXIT_FAILED,
      internal: false,
    };
  }
  if (err instanceof Error) {
    const known = errnoLine(err) ?? sqliteLine(err);
    if (known) return { line: known, exitCode: EXIT_FAILED, internal: false };
    return { line: `internal error: ${err.message}`, exitCode: EXIT_FAILED, internal: true };
  }
  return { line: `internal error: ${String(err)}`, exitCode: EXIT_FAILED, internal: true };
}

/** Writes the one line for `err` to stderr (with the stack when HALLGATE_DEBUG=1) and returns the exit code. */
export function reportError(prefix: string, err: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const { line, exitCode, internal } = errorLine(err);
  process.stderr.write(`${prefix}: ${line}\n`);
  if (env.HALLGATE_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  else if (internal) process.stderr.write(`${prefix}: (HALLGATE_DEBUG=1 shows where)\n`);
  return exitCode;
}

/**
 * A closed reader on stdout (`hallgate records | head`) ends the command quietly
 * with success; any other stdout/stderr failure is reported once. Also turns
 * errors that escape every await (an emitter's 'error', a rejected promise
 * nobody awaited) into the same one line and a non-zero exit.
 */
export function installProcessGuards(prefix: () => string): void {
  process.stdout.on('error', (err: Error & ErrnoLike) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.exit(EXIT_FAILED);
  });
  process.stderr.on('error', () => process.exit(EXIT_FAILED));
  process.on('uncaughtException', (err) => {
    process.exitCode = reportError(prefix(), err);
    process.exit();
  });
  process.on('unhandledRejection', (err) => {
    process.exitCode = reportError(prefix(), err);
    process.exit();
  });
}
