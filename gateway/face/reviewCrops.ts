import { chmod, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { IdentityEvent } from '../../rules/types.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { FaceView } from './faceRecognizer.ts';

export interface ReviewCropOptions {
  enabled: boolean;
  dir: string;
  retentionHours: number;
  maxFiles: number;
  /** How often purge() runs while started. Default one hour. */
  purgeIntervalMs?: number;
  /** JPEG quality. Default 85. */
  quality?: number;
}

export interface ReviewCropDeps {
  clock: Clock;
  log: Logger;
}

export interface ReviewCropStats {
  saved: number;
  /** Crops that could not be written (disk full, permissions, ...). */
  failed: number;
  /** Crops deleted by purge (age or count). */
  purged: number;
}

export interface PurgeResult {
  removedOld: number;
  removedOverLimit: number;
  kept: number;
}

const CROP_SUFFIX = '.jpg';
const TMP_SUFFIX = '.jpg.tmp';

/** File name of an event's crop: the event id with anything outside [A-Za-z0-9._:-] replaced. */
export function cropFileName(eventId: string): string {
  return `${eventId.replace(/[^A-Za-z0-9._:-]/g, '_')}${CROP_SUFFIX}`;
}

/**
 * Opt-in review crops: one JPEG of each unknown face (its track's best view),
 * `<eventId>.jpg` in a 0700 directory, mode 0600, for an operator to review
 * invalid attempts. Nothing is written when disabled and never a crop of a
 * recognised student. purge() deletes crops older than the retention period
 * and the oldest beyond maxFiles; it runs at start and on a timer. Write
 * failures are logged and counted, never thrown: the camera keeps running.
 */
export class ReviewCropStore {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private pending = new Set<Promise<void>>();
  private purging: Promise<PurgeResult> | undefined;
  /** Files in the directory as of the last purge, plus crops saved since. */
  private count = 0;
  private readonly counters: ReviewCropStats = { saved: 0, failed: 0, purged: 0 };

  constructor(
    private readonly opts: ReviewCropOptions,
    private readonly deps: ReviewCropDeps,
  ) {
    this.log = deps.log.child({ module: 'review-crops' });
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Where the crops go. */
  get dir(): string {
    return this.opts.dir;
  }

  /** When enabled: creates the directory, purges, and starts the periodic purge. */
  async start(): Promise<void> {
    if (!this.opts.enabled) return;
    try {
      await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      await chmod(this.opts.dir, 0o700);
    } catch (err) {
      this.log.error({ err, dir: this.opts.dir }, 'review crop directory cannot be created; crops will fail');
    }
    await this.purge(this.deps.clock.now());
    this.timer = setInterval(() => {
      void this.purge(this.deps.clock.now());
    }, this.opts.purgeIntervalMs ?? 3_600_000);
    this.timer.unref();
    this.log.info(
      { dir: this.opts.dir, retentionHours: this.opts.retentionHours, maxFiles: this.opts.maxFiles },
      'review crops of unknown faces enabled',
    );
  }

  /** Stops the timer and waits for crops being written and a purge in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.drain();
  }

  stats(): ReviewCropStats {
    return { ...this.counters };
  }

  /** Resolves once every crop handed to save() so far is written (or failed) and no purge runs. */
  async drain(): Promise<void> {
    while (this.pending.size > 0 || this.purging) {
      await Promise.all([...this.pending, this.purging]);
    }
  }

  /**
   * Saves the crop of an unknown-face event in the background (see drain()).
   * Ignored when disabled or when the event names a student.
   */
  save(event: IdentityEvent, view: FaceView): void {
    if (!this.opts.enabled || event.studentId !== null) return;
    const p = this.write(event, view).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async write(event: IdentityEvent, view: FaceView): Promise<void> {
    const file = join(this.opts.dir, cropFileName(event.eventId));
    const tmp = file.slice(0, -CROP_SUFFIX.length) + TMP_SUFFIX;
    try {
      const { data, width, height } = view.image;
      const jpeg = await sharp(data, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: this.opts.quality ?? 85 })
        .toBuffer();
      // recreated if an operator deleted it (mkdir's mode gives 0700 to what it creates)
      await mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      // written aside, then renamed: a crop is either whole or absent
      await writeFile(tmp, jpeg, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file);
      this.counters.saved++;
      this.count++;
      this.log.debug({ eventId: event.eventId, bytes: jpeg.length }, 'review crop saved');
    } catch (err) {
      this.counters.failed++;
      this.log.error({ err, eventId: event.eventId, dir: this.opts.dir }, 'review crop not saved');
      await unlink(tmp).catch(() => undefined);
      return;
    }
    if (this.count > this.opts.maxFiles) await this.purge(this.deps.clock.now());
  }

  /**
   * Deletes crops whose mtime is older than retentionHours before `now`, then
   * the oldest until at most maxFiles remain. Only `.jpg` files (and stale
   * `.jpg.tmp` ones) of the directory are touched. A missing directory is empty.
   */
  purge(now: number): Promise<PurgeResult> {
    if (!this.opts.enabled) return Promise.resolve({ removedOld: 0, removedOverLimit: 0, kept: 0 });
    // one purge at a time; a second caller shares the one running
    this.purging ??= this.runPurge(now).finally(() => (this.purging = undefined));
    return this.purging;
  }

  private async runPurge(now: number): Promise<PurgeResult> {
    const result: PurgeResult = { removedOld: 0, removedOverLimit: 0, kept: 0 };
    let names: string[];
    try {
      names = await readdir(this.opts.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.error({ err, dir: this.opts.dir }, 'review crop directory cannot be read');
      this.count = 0;
      return result;
    }
    const cutoff = now - this.opts.retentionHours * 3_600_000;
    const files: { path: string; mtime: number }[] = [];
    for (const name of names) {
      if (!name.endsWith(CROP_SUFFIX) && !name.endsWith(TMP_SUFFIX)) continue;
      const path = join(this.opts.dir, name);
      try {
        const st = await stat(path);
        if (!st.isFile()) continue;
        if (st.mtimeMs < cutoff) {
          if (await this.remove(path)) result.removedOld++;
        } else if (name.endsWith(CROP_SUFFIX)) {
          files.push({ path, mtime: st.mtimeMs });
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          this.log.warn({ err, path }, 'review crop not checked');
      }
    }
    files.sort((a, b) => a.mtime - b.mtime || a.path.localeCompare(b.path));
    const excess = Math.max(0, files.length - this.opts.maxFiles);
    for (const f of files.slice(0, excess)) if (await this.remove(f.path)) result.removedOverLimit++;
    result.kept = files.length - result.removedOverLimit;
    this.count = result.kept;
    this.counters.purged += result.removedOld + result.removedOverLimit;
    if (result.removedOld + result.removedOverLimit > 0) this.log.info({ ...result }, 'review crops purged');
    return result;
  }

  private async remove(path: string): Promise<boolean> {
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.warn({ err, path }, 'review crop not deleted');
      return false;
    }
  }
}
