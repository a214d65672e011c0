import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.ts';
import type { Config } from '../config/schema.ts';
import type { Service } from '../daemon.ts';
import type { LocalStore } from '../store/localStore.ts';
import type { RetentionTarget } from '../store/storeMaintenance.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Rows deleted per transaction, so a purge never holds up swipes for long. */
const BATCH = 2000;
const BACKUP_FILE = /^hallgate-\d{8}T\d{6}Z\.db$/;

export interface UpkeepReport {
  backup: string | null;
  backupsRemoved: number;
  deleted: { events: number; faceEvents: number; invalidAttempts: number; deadLetters: number };
}

/**
 * The store's daily upkeep in the daemon: an online backup through SQLite's
 * backup API (better-sqlite3 db.backup, consistent while the daemon writes)
 * into backup.dir, the newest backup.keep kept; and retention: raw badge
 * events, face events, invalid attempts and dead letters older than their
 * configured periods deleted in small transactions. Runs at start and then
 * hourly, doing each part only when it is due (times kept in store meta).
 */
export class StoreUpkeep implements Service {
  readonly name = 'store-upkeep';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly cfg: Pick<Config, 'backup' | 'retention' | 'store'>,
    private readonly deps: { store: LocalStore; clock: Clock; log: Logger },
  ) {}

  /** Where backups go. */
  get backupDir(): string {
    return this.cfg.backup.dir || join(dirname(this.cfg.store.path), 'backups');
  }

  start(): Promise<void> {
    const tick = (): void => {
      this.running ??= this.runDue()
        .catch((err: unknown) => this.deps.log.error({ err }, 'store upkeep failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, HOUR_MS);
    this.timer.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Runs what is due now; with `force`, both parts regardless. */
  async runDue(force = false): Promise<UpkeepReport> {
    const { store, clock, log } = this.deps;
    const now = clock.now();
    const due = (key: string, everyMs: number): boolean =>
      force || now - Number(store.getMeta(key) ?? 0) >= everyMs;
    const report: UpkeepReport = {
      backup: null,
      backupsRemoved: 0,
      deleted: { events: 0, faceEvents: 0, invalidAttempts: 0, deadLetters: 0 },
    };
    if (
      this.cfg.store.path !== ':memory:' &&
      this.cfg.backup.enabled &&
      due('last_backup', this.cfg.backup.everyHours * HOUR_MS)
    ) {
      report.backup = await this.backup(now);
      report.backupsRemoved = this.pruneBackups();
      store.tx(() => store.setMeta('last_backup', String(now)));
      log.info({ file: report.backup, removed: report.backupsRemoved }, 'store backed up');
    }
    if (due('last_retention', DAY_MS)) {
      report.deleted = await this.purge(now);
      store.tx(() => store.setMeta('last_retention', String(now)));
      log.info({ deleted: report.deleted }, 'retention applied');
    }
    return report;
  }

  private async backup(now: number): Promise<string> {
    mkdirSync(this.backupDir, { recursive: true, mode: 0o700 });
    const stamp = new Date(now)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const file = join(this.backupDir, `hallgate-${stamp}.db`);
    await this.deps.store.maintenance.backup(file);
    chmodSync(file, 0o600);
    return file;
  }

  /** Deletes all but the newest `keep` backups; returns how many went. */
  private pruneBackups(): number {
    const files = readdirSync(this.backupDir)
      .filter((f) => BACKUP_FILE.test(f))
      .sort()
      .reverse();
    const old = files.slice(this.cfg.backup.keep);
    for (const f of old) rmSync(join(this.backupDir, f), { force: true });
    return old.length;
  }

  private async purge(now: number): Promise<UpkeepReport['deleted']> {
    const r = this.cfg.retention;
    return {
      events: await this.deleteBatched('rfidEvents', now - r.eventsDays * DAY_MS),
      faceEvents: await this.deleteBatched('faceEvents', now - r.faceEventsDays * DAY_MS),
      invalidAttempts: await this.deleteBatched('invalidAttempts', now - r.invalidAttemptsDays * DAY_MS),
      deadLetters: await this.deleteBatched('deadLetters', now - r.deadLettersDays * DAY_MS),
    };
  }

  /** Deletes the rows of `target` before `cutoff`, BATCH per transaction, yielding between them. */
  private async deleteBatched(target: RetentionTarget, cutoff: number): Promise<number> {
    const { maintenance } = this.deps.store;
    let total = 0;
    for (;;) {
      if (!maintenance.isOpen) return total;
      const n = maintenance.deleteOlderThan(target, cutoff, BATCH);
      total += n;
      if (n < BATCH) return total;
      await new Promise((r) => setImmediate(r));
    }
  }
}
