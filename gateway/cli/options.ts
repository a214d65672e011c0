import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/loadConfig.ts';
import type { TruthOptions } from '../config/configTruths.ts';
import type { Config } from '../config/schema.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { LocalStore } from '../store/localStore.ts';

/** Options every store-reading command takes. */
export const storeOptions = {
  config: { type: 'string', short: 'c' },
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new HallgateError('USAGE', (err as Error).message);
  }
}

/** The configuration named by --config (or defaults + HALLGATE_* env), with --db overriding store.path. */
export function configFrom(
  values: { config?: string | undefined; db?: string | undefined },
  opts: TruthOptions = {},
): Config {
  const cfg = loadConfig(values.config, process.env, opts);
  if (values.db) cfg.store.path = values.db;
  return cfg;
}

/**
 * Opens the configured store. A command that writes days (import) passes
 * `writesDays`: the store's days follow site.timeZone (moved if they were in
 * another zone); readers keep the zone the store was last written in.
 */
export function openStore(
  values: { config?: string | undefined; db?: string | undefined },
  writesDays = false,
): {
  cfg: Config;
  store: LocalStore;
} {
  const cfg = configFrom(values, { checkFiles: false });
  return {
    cfg,
    store: LocalStore.open(cfg.store.path, Date.now(), writesDays ? { timeZone: cfg.site.timeZone } : {}),
  };
}

/** Where the store path came from, for error lines ("--db", "store.path in FILE", ...). */
function storeSource(values: { config?: string | undefined; db?: string | undefined }): string {
  if (values.db) return '--db';
  if (values.config) return `store.path in ${values.config}`;
  return 'the default store.path; give --config FILE or --db PATH';
}

/**
 * Opens the configured store for a command that only reads it: read-only, and
 * never creating the file or its directory (a typo in --db fails, clearly).
 * With `write`, an existing store is opened for writing, still never created.
 */
export function openExistingStore(
  values: { config?: string | undefined; db?: string | undefined },
  opts: { write?: boolean } = {},
): { cfg: Config; store: LocalStore } {
  const cfg = configFrom(values, { checkFiles: false }); // the store, not the broker: TLS files not needed
  const path = cfg.store.path;
  if (path === ':memory:' || !existsSync(path)) {
    throw new HallgateError('STORE_MISSING', `no store at ${path} (${storeSource(values)})`);
  }
  return { cfg, store: opts.write ? LocalStore.open(path) : LocalStore.openReadOnly(path) };
}

/** Resolves on the first SIGINT or SIGTERM (logged), for commands that run until stopped. */
export function untilSignal(log: { info(obj: object, msg: string): void }): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** Fixed-width text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r, j) => {
      const line = r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
      return j === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function isoTime(ts: number): string {
  return new Date(ts).toISOString().replace('.000Z', 'Z');
}
