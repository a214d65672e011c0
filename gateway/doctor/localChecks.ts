import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config/schema.ts';
import { DEFAULT_ONNX_MODEL_DIR, loadVerifiedModel, readManifest } from '../face/modelManifest.ts';
import { diskFreeMb } from '../health.ts';
import { fail, ok, skip, type CheckResult } from './check.ts';

/**
 * The checks of `hallgate doctor` that need nothing but this machine: the
 * store, the disk, the reader devices, the face models, the outbox.
 */

/** Opens the store read-only for the checks that read it (null when it is not there). */
export function openStoreForChecks(cfg: Config): Database.Database | null {
  if (!existsSync(cfg.store.path)) return null;
  try {
    return new Database(cfg.store.path, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
}

export function storeIntegrity(cfg: Config, db: Database.Database | null, beforeStart = false): CheckResult {
  const name = 'store integrity';
  if (!existsSync(cfg.store.path) && beforeStart) {
    return skip(name, `no store yet at ${cfg.store.path}: the daemon creates it at its first start`);
  }
  if (!existsSync(cfg.store.path)) {
    return fail(
      name,
      `no store at ${cfg.store.path}`,
      'start the daemon once (it creates the store) or import the roster: hallgate import roster FILE --config ...',
    );
  }
  if (!db)
    return fail(
      name,
      `cannot open ${cfg.store.path}`,
      'check the file and its folder belong to the hallgate user',
    );
  try {
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    if (problems.length === 0) return ok(name, `${cfg.store.path}: quick_check ok`);
    return fail(
      name,
      `${cfg.store.path}: ${problems.length} problem(s), first: ${problems[0]}`,
      'stop the daemon and restore the latest backup (var/backups) or let the daemon recover it',
    );
  } catch (err) {
    return fail(
      name,
      `${cfg.store.path}: ${(err as Error).message}`,
      'restore the latest backup of the store',
    );
  }
}

export function freeDisk(cfg: Config): CheckResult {
  const name = 'free disk';
  // The store's folder, or its nearest existing parent before the first start.
  let at = resolve(cfg.store.path);
  while (!existsSync(dirname(at)) && dirname(at) !== at) at = dirname(at);
  const mb = diskFreeMb(at);
  if (mb === null)
    return fail(name, `cannot read free space under ${cfg.store.path}`, 'check store.path exists');
  if (mb < cfg.mqtt.minDiskFreeMb) {
    return fail(
      name,
      `${mb} MB free under ${cfg.store.path}, below mqtt.minDiskFreeMb ${cfg.mqtt.minDiskFreeMb} MB`,
      'free space (old logs, backups) or grow the disk',
    );
  }
  return ok(name, `${mb} MB free (minimum ${cfg.mqtt.minDiskFreeMb} MB)`);
}

export function readerDevices(cfg: Config): CheckResult[] {
  if (cfg.readers.length === 0) return [skip('readers', 'no reader configured (readers: [])')];
  return cfg.readers.map((r, i) => {
    const name = `reader ${r.id}`;
    let st;
    try {
      st = statSync(r.path);
    } catch {
      return fail(
        name,
        `${r.path} is not there`,
        `plug the reader in, or set readers.${i}.path to its device (ls /dev/serial/by-id/)`,
      );
    }
    if (!st.isCharacterDevice()) {
      return fail(name, `${r.path} is not a character device`, `set readers.${i}.path to the serial device`);
    }
    try {
      accessSync(r.path, constants.R_OK | constants.W_OK);
    } catch {
      return fail(
        name,
        `${r.path} cannot be opened for reading by this user`,
        'add the hallgate user to the dialout group',
      );
    }
    return ok(name, `${r.path} present and readable`);
  });
}

export function modelChecksums(cfg: Config): CheckResult {
  const name = 'face models';
  if (!cfg.camera.enabled) return skip(name, 'camera disabled');
  if (cfg.camera.engine !== 'onnx')
    return skip(name, `engine ${cfg.camera.engine} checks its own weights at load`);
  try {
    const manifest = readManifest(DEFAULT_ONNX_MODEL_DIR);
    for (const role of Object.keys(manifest.files)) loadVerifiedModel(DEFAULT_ONNX_MODEL_DIR, manifest, role);
    return ok(
      name,
      `${Object.keys(manifest.files).length} file(s) of ${manifest.modelVersion} match their sha256`,
    );
  } catch (err) {
    return fail(name, (err as Error).message, 'node scripts/fetch-models.mjs --force');
  }
}

export function outboxBacklog(cfg: Config, db: Database.Database | null, now: number): CheckResult {
  const name = 'outbox';
  if (!cfg.mqtt.enabled) return skip(name, 'mqtt.enabled is false (no sync)');
  if (!db) return skip(name, 'no store to read');
  const row = db.prepare('SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox').get() as {
    n: number;
    oldest: number | null;
  };
  const ageSec = row.oldest === null ? 0 : Math.round((now - row.oldest) / 1000);
  const detail = `${row.n} row(s) waiting, oldest ${row.oldest === null ? '-' : `${ageSec} s`} old`;
  if (row.n >= cfg.mqtt.maxOutboxRows) {
    return fail(
      name,
      `${detail}, at mqtt.maxOutboxRows`,
      'bring the broker and the aggregator back; nothing is lost meanwhile',
    );
  }
  if (ageSec > 3600) {
    return fail(
      name,
      `${detail}: nothing synced for over an hour`,
      'check the broker check above and the aggregator',
    );
  }
  return ok(name, detail);
}
