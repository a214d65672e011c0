import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { HallgateError } from './errors.ts';

/**
 * Store files hold names, card UIDs and face embeddings: they are created
 * 0600 in 0700 directories whatever the process umask (a umask only removes
 * bits, so every mode is also set explicitly with chmod).
 */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Creates `dir` (and missing parents) 0700. Directories that already exist
 * are left as they are: the store's parent may be a shared one such as /tmp.
 */
export function privateDir(dir: string): void {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true, mode: PRIVATE_DIR });
  if (first === undefined) return;
  // chmod every directory this call created, from the first one down to the target.
  let p = resolve(first);
  chmodSync(p, PRIVATE_DIR);
  for (const part of relative(p, target).split(sep).filter(Boolean)) {
    p = resolve(p, part);
    chmodSync(p, PRIVATE_DIR);
  }
}

/**
 * Creates `path` (empty) 0600 if missing, in a private directory; an existing
 * file is made 0600 when this process owns it (another user, e.g. an operator
 * reading the daemon's store, leaves its mode alone).
 */
export function privateFile(path: string): void {
  privateDir(dirname(path));
  if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE));
  tighten(path);
}

function tighten(path: string): void {
  try {
    chmodSync(path, PRIVATE_FILE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/**
 * Prepares a SQLite database file before it is opened: the file 0600 in a
 * private directory, so the -wal and -shm files SQLite creates beside it take
 * the same mode (SQLite gives them its database file's permissions). Existing
 * -wal/-shm files are made 0600 too.
 */
export function privateDatabase(path: string): void {
  if (path === ':memory:' || path === '') return;
  try {
    privateFile(path);
    for (const side of [`${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(side)) tighten(side);
  } catch (err) {
    throw new HallgateError(
      'STORE_OPEN_FAILED',
      `cannot prepare store file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
