import { chmodSync, existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { PRIVATE_FILE } from '../../kernel/fileModes.ts';
import { LocalStore, type StoreOpenOptions } from './localStore.ts';
import { salvageTable } from './salvageRows.ts';

/** meta key of the fresh store: what the recovery did (JSON of StoreRecovery), for health and the operator. */
export const STORE_RECOVERED_KEY = 'store_recovered';

/** Salvaged first: what has not reached the centre yet. */
const FIRST = ['events', 'outbox'];
/** Not copied: the fresh store's own bookkeeping. */
const SKIP = new Set(['schema_migrations', 'sqlite_sequence']);
/** meta keys not carried over: every salvaged event is classified again from scratch. */
const META_SKIP = new Set(['classified_seq', STORE_RECOVERED_KEY]);

export interface StoreRecovery {
  at: number;
  /** Where the damaged file (and its -wal/-shm) went. */
  movedTo: string;
  /** What quick_check (or opening) said, first lines only. */
  problems: string[];
  /** Rows copied into the fresh store, per table. */
  salvaged: Record<string, number>;
  /** Rowids given up per table (their pages could not be read). */
  unreadable: Record<string, number>;
}

/**
 * Opens the gateway store, checking it first (PRAGMA quick_check). A damaged
 * store is not opened: it is moved aside with a timestamp (with its -wal and
 * -shm), the daemon starts on a fresh store, and what SQLite can still read of
 * the old one is copied in, events and outbox first. The recovery is logged as
 * one error line and kept in meta.store_recovered (see storeRecovery()).
 */
export function openCheckedStore(
  path: string,
  now: number,
  log: Logger,
  opts: StoreOpenOptions = {},
): { store: LocalStore; recovery: StoreRecovery | null } {
  if (path === ':memory:' || !existsSync(path))
    return { store: LocalStore.open(path, now, opts), recovery: null };
  const problems = checkStore(path);
  if (problems.length === 0) return { store: LocalStore.open(path, now, opts), recovery: null };
  const movedTo = moveAside(path, now);
  const store = LocalStore.open(path, now, opts);
  const recovery: StoreRecovery = { at: now, movedTo, problems, salvaged: {}, unreadable: {} };
  salvageInto(store, movedTo, recovery, log);
  store.setMeta(STORE_RECOVERED_KEY, JSON.stringify(recovery));
  log.error(
    { movedTo, problems: problems.slice(0, 3), salvaged: recovery.salvaged, unreadable: recovery.unreadable },
    `store was damaged: moved to ${movedTo}, salvaged ${recovery.salvaged.events ?? 0} events and ${recovery.salvaged.outbox ?? 0} outbox rows, started on a fresh store`,
  );
  return { store, recovery };
}

/** The recovery recorded in a store, if it was started fresh from a damaged one. */
export function storeRecovery(store: LocalStore): StoreRecovery | null {
  const v = store.getMeta(STORE_RECOVERED_KEY);
  return v ? (JSON.parse(v) as StoreRecovery) : null;
}

/** What health reports: when and where the damaged store went, or null. */
export function recoveredFlag(store: LocalStore): { at: number; movedTo: string } | null {
  const r = storeRecovery(store);
  return r ? { at: r.at, movedTo: r.movedTo } : null;
}

/** quick_check's complaints (empty when the store is sound); an error opening or reading it is one. */
export function checkStore(path: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    const rows = db.pragma('quick_check(20)', { simple: false }) as { quick_check: string }[];
    const said = rows.map((r) => r.quick_check);
    return said.length === 1 && said[0] === 'ok' ? [] : said;
  } catch (err) {
    const e = err as Error & { code?: string };
    // Only damage is repaired here; anything else (permissions, locks) is the open's to report.
    if (e.code && /^SQLITE_(CORRUPT|NOTADB)/.test(e.code)) return [`${e.code}: ${e.message}`];
    return [];
  } finally {
    db?.close();
  }
}

function moveAside(path: string, now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  let to = `${path}.corrupt-${stamp}`;
  for (let i = 1; existsSync(to); i++) to = `${path}.corrupt-${stamp}-${i}`;
  for (const side of ['', '-wal', '-shm']) {
    if (!existsSync(path + side)) continue;
    renameSync(path + side, to + side);
    chmodSync(to + side, PRIVATE_FILE);
  }
  return to;
}

function salvageInto(store: LocalStore, damaged: string, rec: StoreRecovery, log: Logger): void {
  let from: Database.Database;
  try {
    from = new Database(damaged, { fileMustExist: true });
  } catch (err) {
    log.error({ err, damaged }, 'cannot open the damaged store at all; nothing salvaged');
    return;
  }
  const to = store.db;
  to.pragma('foreign_keys = OFF');
  try {
    for (const table of tablesInOrder(to)) {
      try {
        const r = table === 'meta' ? salvageMeta(from, store) : salvageTable(from, to, table);
        rec.salvaged[table] = r.copied;
        if (r.unreadable > 0) rec.unreadable[table] = r.unreadable;
      } catch (err) {
        log.warn({ err, table }, 'table not salvaged');
      }
    }
  } finally {
    to.pragma('foreign_keys = ON');
    from.close();
  }
}

function tablesInOrder(db: Database.Database): string[] {
  const all = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  return [...FIRST, ...all.filter((t) => !FIRST.includes(t) && !SKIP.has(t))];
}

function salvageMeta(from: Database.Database, store: LocalStore): { copied: number; unreadable: number } {
  let copied = 0;
  for (const { key, value } of from.prepare('SELECT key, value FROM meta').all() as {
    key: string;
    value: string;
  }[]) {
    if (META_SKIP.has(key) || store.getMeta(key) !== undefined) continue;
    store.setMeta(key, value);
    copied++;
  }
  return { copied, unreadable: 0 };
}
