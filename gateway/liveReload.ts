import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import type { Service } from './daemon.ts';
import type { GatewayCore } from './gatewayCore.ts';

/**
 * Picks up what another process (`hallgate import`, `review`, `enroll`) wrote
 * into the running gateway's store, without a restart: SQLite's
 * `PRAGMA data_version` changes when another connection commits, so a timer
 * reads it (cheap: no I/O) every `pollMs`. On a change the Bloom filter is
 * rebuilt from the roster and the timetable and course-override caches are
 * dropped (GatewayCore.refreshRosterIfChanged); when the roster changed, the
 * day's unknown-badge invalid attempts of cards that are now known are
 * ingested again as swipes, in the transaction that removes them and queues
 * a `superseded` item, so the centre drops its copy of the invalid attempt.
 */
export class LiveReload implements Service {
  readonly name = 'live-reload';
  private timer: NodeJS.Timeout | undefined;
  private lastVersion: number | undefined;

  constructor(
    private readonly o: { pollMs: number },
    private readonly deps: { core: GatewayCore; clock: Clock; log: Logger; ingestPending?: () => void },
  ) {}

  start(): Promise<void> {
    this.lastVersion = this.dataVersion();
    this.timer = setInterval(() => this.poll(), this.o.pollMs);
    this.timer.unref();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Promise.resolve();
  }

  private dataVersion(): number {
    return this.deps.core.store.maintenance.dataVersion();
  }

  /** One look: returns the number of swipes decided again (0 when nothing changed). */
  poll(): number {
    const { core, log } = this.deps;
    try {
      if (!core.store.maintenance.isOpen) return 0;
      const v = this.dataVersion();
      if (v === this.lastVersion) return 0;
      this.lastVersion = v;
      if (!core.refreshRosterIfChanged()) return 0;
      const n = this.redecideUnknownBadges();
      log.info({ redecided: n }, 'roster changed in the store: bloom filter rebuilt');
      return n;
    } catch (err) {
      log.error({ err }, 'live reload failed');
      return 0;
    }
  }

  /** The day's unknown-badge attempts whose card is now on the roster, ingested again as swipes. */
  private redecideUnknownBadges(): number {
    const { core, clock } = this.deps;
    const store = core.store;
    const rows = store.attempts
      .unknownBadgesOfDay(store.site.dayOf(clock.now()))
      .filter((r) => store.studentByCard(r.rawId) !== undefined);
    if (rows.length === 0) return 0;
    this.deps.ingestPending?.();
    const forget = store.attempts.forgetter(clock.now());
    const results = core.pipeline.ingestMany(
      rows.map((r) => ({
        kind: 'swipe' as const,
        uid: r.rawId,
        ts: r.ts,
        gate: { gateId: r.gateId, hallId: r.hallId, direction: r.direction },
      })),
      () => {
        for (const r of rows) forget(r);
      },
    );
    return results.filter((r) => r.kind === 'accepted').length;
  }
}
