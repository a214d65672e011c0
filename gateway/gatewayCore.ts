import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import type { Config } from './config/schema.ts';
import { ruleThresholds } from './face/faceThreshold.ts';
import { ClassifierThread } from './pipeline/classifierThread.ts';
import { IngestPipeline } from './pipeline/ingestPipeline.ts';
import { BackgroundCheckpointer } from './store/backgroundCheckpointer.ts';
import type { LocalStore } from './store/localStore.ts';
import { openCheckedStore } from './store/recoverStore.ts';
import { RosterBloom } from './validation/rosterBloom.ts';
import { UniqueCounter } from './validation/uniqueCounter.ts';

/**
 * The device-independent heart of a gateway: local store, Bloom filter,
 * unique counters and the ingest pipeline, built from the configuration.
 * The daemon, the demo, the simulator and the benchmarks all use this.
 */
export class GatewayCore {
  readonly store: LocalStore;
  readonly bloom: RosterBloom;
  readonly counter: UniqueCounter;
  readonly pipeline: IngestPipeline;
  /** The WAL checkpoint rounds (file stores only). */
  readonly checkpointer: BackgroundCheckpointer | undefined;
  /** The classifier thread, when students' days are decided on one. */
  readonly classifier: ClassifierThread | undefined;
  private rosterVersion: string | undefined;
  private timetableVersion: string | undefined;

  constructor(
    readonly cfg: Config,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: { faceFusion?: boolean } = {},
  ) {
    this.store = openCheckedStore(cfg.store.path, clock.now(), log.child({ module: 'store' }), {
      timeZone: cfg.site.timeZone,
      synchronous: cfg.store.synchronous,
    }).store;
    if (this.store.rederived)
      log.warn({ module: 'store', ...this.store.rederived }, 'store days moved to the site time zone');
    this.store.maintenance.setCacheMb(cfg.store.cacheMb);
    if (cfg.store.path !== ':memory:') {
      // Checkpoints (and their fsyncs) move to a worker thread, which also lets the WAL start over in a
      // gap between two transactions; the main connection copies a tail only when a round found no gap
      // for long (see checkpointRounds.ts), and keeps a far-off safety net (about 400 MB of WAL, should
      // the worker die). A WAL file grown past 256 MiB by a burst is cut back when the WAL starts over.
      this.store.maintenance.deferCheckpoints(100000, 256 * 1024 * 1024);
      const checkpointer = new BackgroundCheckpointer(
        cfg.store.path,
        log.child({ module: 'checkpoint' }),
        cfg.store.checkpointEveryMs,
        cfg.store.synchronous,
      );
      // The tail is copied wholly (so the WAL can start over) only while the classifier thread holds no snapshot.
      this.store.onCommitted(() => {
        if (this.pipeline.jobsOnThread() === 0) this.store.maintenance.finishCheckpointRound(checkpointer);
      });
      this.checkpointer = checkpointer;
    }
    this.bloom = new RosterBloom(cfg.validation.bloomErrorRate);
    this.counter = new UniqueCounter(this.store, cfg.validation.hllBits);
    this.pipeline = new IngestPipeline({
      store: this.store,
      bloom: this.bloom,
      counter: this.counter,
      thresholds: ruleThresholds(cfg),
      clock,
      log: log.child({ module: 'pipeline' }),
      logCardIds: cfg.log.cardIds,
      faceFusion: opts.faceFusion ?? cfg.camera.enabled,
    });
    this.rebuildBloom();
    try {
      this.pipeline.recoverUnclassified();
    } catch (err) {
      log.warn(
        { module: 'pipeline', error: (err as Error).message },
        'unclassified events not decided yet (tried again later)',
      );
    }
    this.restoreSketches();
    if (this.checkpointer && cfg.pipeline.classifierThread) {
      // One background thread: it decides students' days and runs the checkpoint rounds.
      this.classifier = new ClassifierThread(
        cfg.store.path,
        cfg.pipeline.classifierCacheMb,
        log.child({ module: 'classifier' }),
        this.checkpointer,
        cfg.store.synchronous,
      );
      this.pipeline.attachClassifier(this.classifier);
    } else this.checkpointer?.start();
  }

  /** Re-adds today's and yesterday's attendees from the records (idempotent): nothing lost between flushes survives a crash. */
  private restoreSketches(): void {
    const since = this.store.site.dayOf(this.clock.now() - 24 * 3600_000);
    let n = 0;
    for (const p of this.store.presentSince(since)) if (this.counter.add(p.courseId, p.day, p.studentId)) n++;
    if (n > 0) {
      // A store that refuses writes (disk full) must not stop the start: the sketches are written with the next swipe.
      if (this.flushSketches('sketches not saved at start'))
        this.log.info(
          { module: 'validation', restored: n },
          'unique-attendee sketches restored from records',
        );
    }
  }

  /** Writes the unique-attendee sketches; false (logged) if the store refuses. */
  private flushSketches(what: string): boolean {
    try {
      this.store.tx(() => this.counter.flush(this.clock.now()));
      return true;
    } catch (err) {
      this.log.warn({ module: 'validation', error: (err as Error).message }, what);
      return false;
    }
  }

  /** Rebuilds the Bloom filter from the roster (at start and when the roster changed). */
  rebuildBloom(): void {
    this.rosterVersion = this.store.getMeta('roster_version');
    this.bloom.rebuild(this.store.cardUids());
    const s = this.bloom.stats();
    this.log.info(
      { module: 'validation', items: s.items, bytes: s.bytes, hashes: s.hashes },
      'bloom filter built from roster',
    );
  }

  /** Rebuilds the Bloom filter if the roster changed underneath (e.g. `hallgate import` while running). */
  refreshRosterIfChanged(): boolean {
    const tt = this.store.getMeta('timetable_version');
    if (tt !== this.timetableVersion) {
      this.timetableVersion = tt;
      this.store.clearCaches();
    }
    if (this.store.getMeta('roster_version') === this.rosterVersion) return false;
    this.rebuildBloom();
    return true;
  }

  async close(): Promise<void> {
    this.pipeline.settle();
    await this.classifier?.stop();
    this.flushSketches('sketches not saved at stop (restored from the records at the next start)');
    await this.checkpointer?.stop();
    this.store.close();
  }
}
