import { join, dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';
import { ClockSanity } from './clockSanity.ts';
import { gatesOf } from './config/doors.ts';
import type { Config, ReaderConfig } from './config/schema.ts';
import { GatewayCore } from './gatewayCore.ts';
import { diskFreeMb, outboxHealth, type Health } from './health.ts';
import { VERSION } from '../kernel/version.ts';
import type { IngestInput } from './pipeline/ingestPipeline.ts';
import { CommitWindow } from './pipeline/commitWindow.ts';
import { Spool } from './pipeline/spool.ts';
import { adoptLegacySpool } from './pipeline/legacySpool.ts';
import { NoiseQuarantine } from './serial/noiseQuarantine.ts';
import { recoveredFlag } from './store/recoverStore.ts';
import type { BadgeReader, ReaderState } from './serial/badgeReader.ts';
import { SystemdNotifier } from './systemd/notifier.ts';
import type { CameraHealth } from './cameraService.ts';
import type { Service } from './service.ts';
import type { GatewayMetrics } from './metrics/gatewayMetrics.ts';

export type { Service };

export interface DaemonParts {
  cfg: Config;
  clock: Clock;
  log: Logger;
  /** Builds a badge reader for a configured reader (the serial adapter in production). */
  makeReader: (rc: ReaderConfig, log: Logger) => BadgeReader;
  /** The camera (face recognition), if configured: a service plus its health. */
  makeCamera?: (
    core: GatewayCore,
    ingest: (input: IngestInput) => void,
  ) => { service: Service; health: () => CameraHealth | null } | null;
  /** Extra services started after the readers and camera (the uplink), built with the core. */
  services?: (core: GatewayCore, health: () => Health, clockSanity: ClockSanity) => Service[];
  env?: NodeJS.ProcessEnv;
  /** Prometheus metrics; the daemon lets it watch the pipeline and the readers. */
  metrics?: GatewayMetrics;
}

/**
 * The gateway daemon: store, validation and pipeline (GatewayCore), the badge
 * readers feeding it, the periodic sweep that finalises ended sessions and
 * replays the spool, extra services, and systemd readiness and watchdog.
 * Started in this order, stopped in reverse.
 */
export class Daemon {
  core!: GatewayCore;
  /** Is the wall clock trusted? Fed by the uplink's acks; checked for jumps at every sweep. */
  readonly clockSanity: ClockSanity;
  private readers: BadgeReader[] = [];
  private services: Service[] = [];
  private cameraHealth: (() => CameraHealth | null) | undefined;
  private readerStates: Record<string, ReaderState> = {};
  private sweepTimer: NodeJS.Timeout | undefined;
  private lastSweepAt: number | null = null;
  /** Monotonic time of the last counters line. */
  private lastStatsAt: number | null = null;
  private heldSweepLogged = false;
  private readonly notifier: SystemdNotifier;
  private readonly startedAt: number;
  private pending: IngestInput[] = [];
  private quarantine: NoiseQuarantine | undefined;
  private spool: Spool<IngestInput> | undefined;
  private flushScheduled = false;
  private readonly commitWindow: CommitWindow;

  constructor(private readonly parts: DaemonParts) {
    this.notifier = new SystemdNotifier(parts.log.child({ module: 'systemd' }), parts.env);
    this.startedAt = parts.clock.now();
    this.clockSanity = new ClockSanity(
      parts.clock,
      parts.cfg.clock.maxSkewSec * 1000,
      parts.log.child({ module: 'clock' }),
    );
    this.commitWindow = new CommitWindow(parts.cfg.pipeline.groupCommitMs);
  }

  async start(): Promise<void> {
    const { cfg, clock, log } = this.parts;
    this.core = new GatewayCore(cfg, clock, log, { faceFusion: cfg.camera.enabled });
    this.core.pipeline.setClockSuspect(() => this.clockSanity.suspect);
    this.core.pipeline.attachSpool(this.openSpool());
    this.parts.metrics?.watchPipeline(this.core.pipeline);

    const quarantine = new NoiseQuarantine(this.core.store, log.child({ module: 'deadLetters' }));
    this.quarantine = quarantine;
    for (const rc of cfg.readers) {
      // The reader binds its own module and readerId (a key twice in one JSON line is a bug).
      const reader = this.parts.makeReader(rc, log);
      const gate = {
        gateId: gatesOf(cfg).readerGate(rc.id),
        hallId: cfg.gateway.hallId,
        direction: rc.direction,
      };
      this.readerStates[rc.id] = 'connecting';
      reader.on('state', (s) => {
        this.readerStates[rc.id] = s.state;
      });
      reader.on('swipe', (s) => {
        quarantine.endRun(s.readerId);
        this.enqueue({ kind: 'swipe', uid: s.uid, ts: s.ts, gate });
      });
      // Garbage on the line is counted by the reader and quarantined in runs, written in batches.
      reader.on('badFrame', (b) => quarantine.add(b, clock.now()));
      this.readers.push(reader);
      this.parts.metrics?.watchReader(reader);
    }
    for (const r of this.readers) await r.start();

    const camera = this.parts.makeCamera?.(this.core, (input) => this.enqueue(input)) ?? null;
    this.cameraHealth = camera?.health;
    this.services = [
      ...(camera ? [camera.service] : []),
      ...(this.parts.services?.(this.core, () => this.health(), this.clockSanity) ?? []),
    ];
    for (const s of this.services) {
      log.info({ service: s.name }, 'starting service');
      await s.start();
    }

    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), cfg.watchdog.sweepSec * 1000);
    this.notifier.ready(`hall ${cfg.gateway.hallId}: ${this.readers.length} reader(s)`);
    this.notifier.startWatchdog(() => this.lastSweepAt !== null);
    log.info(
      {
        gateway: cfg.gateway.id,
        hall: cfg.gateway.hallId,
        readers: this.readers.length,
        store: cfg.store.path,
      },
      'gateway running',
    );
  }

  /**
   * The spool beside the store, reserved in full now so that swipes can wait in it when the disk is
   * full later (docs/storeSafety.md); an in-memory store spools to memory only.
   */
  private openSpool(): Spool<IngestInput> {
    const { cfg, log } = this.parts;
    const slog = log.child({ module: 'spool' });
    const dir = dirname(cfg.store.path);
    this.spool = new Spool<IngestInput>(join(dir, 'ingest.spool'), slog, {
      capacityBytes: cfg.store.spoolMb * 1024 * 1024,
    });
    if (cfg.store.path !== ':memory:') {
      this.spool.open();
      adoptLegacySpool(dir, this.spool, slog);
    }
    return this.spool;
  }

  /** Swipes arriving in one tick (or within the group-commit window) are ingested together, in one transaction. */
  enqueue(input: IngestInput): void {
    this.pending.push(input);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.commitWindow.delay();
    if (wait > 0) setTimeout(() => this.flush(), wait);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    this.commitWindow.started();
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.core.pipeline.ingestMany(batch);
    } catch (err) {
      this.parts.log.error({ err, inputs: batch.length }, 'ingest failed');
    }
  }

  /**
   * Finalises sessions that ended since the last sweep, picks up roster changes,
   * replays the spool. On a suspect clock (a jump, or skew to the aggregator)
   * nothing is finalised and `last_sweep` stays: the sessions are finalised
   * once the clock is trusted again, not on a wrong 'now'.
   */
  sweep(): void {
    const { clock, log } = this.parts;
    const now = clock.now();
    try {
      this.core.refreshRosterIfChanged();
      this.core.pipeline.replaySpool();
      this.clockSanity.checkJump();
      if (this.clockSanity.suspect) {
        if (!this.heldSweepLogged)
          log.warn({ clock: this.clockSanity.health() }, 'clock suspect: ended sessions are not finalised');
        this.heldSweepLogged = true;
      } else {
        this.heldSweepLogged = false;
        const since = Number(this.core.store.getMeta('last_sweep') ?? now - 24 * 3600_000);
        const changed = this.core.pipeline.finaliseEnded(since, now);
        this.core.store.setMeta('last_sweep', String(now));
        if (changed > 0) log.info({ changed }, 'ended sessions finalised');
      }
      this.lastSweepAt = now;
      const mono = clock.monotonic();
      if (this.lastStatsAt === null || mono - this.lastStatsAt >= 60_000) {
        this.lastStatsAt = mono;
        const readers = Object.fromEntries(this.readers.map((r) => [r.readerId, r.stats()]));
        log.info({ pipeline: this.core.pipeline.stats(), readers, health: this.health() }, 'counters');
      }
    } catch (err) {
      log.error({ err }, 'sweep failed');
    }
  }

  health(): Health {
    const now = this.parts.clock.now();
    const ob = outboxHealth(this.core.store, now);
    const st = this.core.pipeline.stats();
    return {
      version: VERSION,
      uptimeSec: Math.round((now - this.startedAt) / 1000),
      readers: { ...this.readerStates },
      camera: this.cameraHealth?.() ?? null,
      outboxDepth: ob.depth,
      oldestUnsyncedAgeSec: ob.oldestAgeSec,
      diskFreeMb: diskFreeMb(this.parts.cfg.store.path),
      // Waiting now, those left by an earlier run included (the counters start at 0 with each run).
      spooled: this.spool?.pending() ?? st.spooled - st.replayed,
      lastSweepAt: this.lastSweepAt,
      clock: this.clockSanity.health(),
      degraded: this.clockSanity.suspect,
      storeRecovered: recoveredFlag(this.core.store),
    };
  }

  async stop(): Promise<void> {
    const { log } = this.parts;
    this.notifier.stopping();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const s of [...this.services].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        log.error({ err, service: s.name }, 'service failed to stop');
      }
    }
    for (const r of [...this.readers].reverse()) await r.stop();
    this.quarantine?.flush();
    this.flush();
    await this.core.close();
    this.spool?.close();
    log.info('gateway stopped');
  }
}
