import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import { IngestPipeline } from './pipeline/ingestPipeline.ts';
import { LocalStore } from './store/localStore.ts';
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
  private rosterVersion: string | undefined;

  constructor(
    readonly cfg: Config,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: { faceFusion?: boolean } = {},
  ) {
    this.store = LocalStore.open(cfg.store.path, clock.now());
    this.bloom = new RosterBloom(cfg.validation.bloomErrorRate);
    this.counter = new UniqueCounter(this.store, cfg.validation.hllBits);
    this.pipeline = new IngestPipeline({
      store: this.store,
      bloom: this.bloom,
      counter: this.counter,
      thresholds: cfg.thresholds,
      clock,
      log: log.child({ module: 'pipeline' }),
      logCardIds: cfg.log.cardIds,
      faceFusion: opts.faceFusion ?? cfg.camera.enabled,
    });
    this.rebuildBloom();
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
    if (this.store.getMeta('roster_version') === this.rosterVersion) return false;
    this.rebuildBloom();
    return true;
  }

  close(): void {
    this.counter.flush(this.clock.now());
    this.store.close();
  }
}
