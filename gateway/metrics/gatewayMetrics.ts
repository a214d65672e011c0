import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Health } from '../health.ts';
import type { IngestPipeline } from '../pipeline/ingestPipeline.ts';
import type { BadgeReader, ReaderState } from '../serial/badgeReader.ts';
import { BAD_FRAME_REASONS } from '../serial/badgeReader.ts';
import type { Uplink } from '../../sync/uplink.ts';
import type { FaceEngine } from '../face/faceEngine.ts';
import { levelGauge, totalCounter, type Labels } from './scrapeMetrics.ts';

/**
 * The gateway's Prometheus metrics (prom-client, its own registry). Events
 * (swipes, classifications, batches, inference) are counted as they happen;
 * levels (outbox, readers, camera, disk, skew) are read from the daemon's
 * health when scraped. Labels never hold a student or card id.
 */

const READER_STATES: readonly ReaderState[] = ['connecting', 'open', 'closed', 'reconnecting'];

/** What the scrape reads besides Health (kept apart so health.ts stays small). */
export interface ScrapeSources {
  health: () => Health;
  deadLetters: () => number;
  ready: () => boolean;
}

/** Seconds since `t0` (performance.now() milliseconds). */
const since = (t0: number): number => (performance.now() - t0) / 1000;

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly readers: BadgeReader[] = [];
  private sources: ScrapeSources | undefined;
  private readonly swipes: Counter<'source' | 'result'>;
  private readonly invalidAttempts: Counter<'reason'>;
  private readonly classification: Histogram;
  private readonly inference: Histogram<'stage'>;
  private readonly batchesSent: Counter;
  private readonly batchesAcked: Counter;
  private readonly ackLatency: Histogram;
  private readonly uplinkUp: Gauge;
  /** Students with an accepted event waiting for their day's decision -> since when (memory only, bounded). */
  private readonly awaiting = new Map<string, number>();
  private readonly sentAt = new Map<string, number>();

  constructor(version: string) {
    const r = this.registry;
    collectDefaultMetrics({ register: r });
    new Gauge({
      name: 'hallgate_build_info',
      help: 'Build of this gateway (value 1)',
      labelNames: ['version', 'node'],
      registers: [r],
    }).set({ version, node: process.version }, 1);
    this.swipes = new Counter({
      name: 'hallgate_swipes_total',
      help: 'Identity events (badge swipes and recognised faces) by source and result',
      labelNames: ['source', 'result'],
      registers: [r],
    });
    this.invalidAttempts = new Counter({
      name: 'hallgate_invalid_attempts_total',
      help: 'Invalid attempts by reason (unknown badge, unknown face, ...)',
      labelNames: ['reason'],
      registers: [r],
    });
    this.classification = new Histogram({
      name: 'hallgate_classification_latency_seconds',
      help: "From an accepted event to its student's day decided and written",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [r],
    });
    this.inference = new Histogram({
      name: 'hallgate_face_inference_seconds',
      help: 'Face engine time per call, by stage (detect, embed)',
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    });
    this.batchesSent = new Counter({
      name: 'hallgate_uplink_batches_sent_total',
      help: 'Outbox batches published to the broker (first sends)',
      registers: [r],
    });
    this.batchesAcked = new Counter({
      name: 'hallgate_uplink_batches_acked_total',
      help: 'Batches acknowledged end to end by the aggregator',
      registers: [r],
    });
    this.ackLatency = new Histogram({
      name: 'hallgate_uplink_ack_latency_seconds',
      help: "From a batch's first send to the aggregator's ack",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [r],
    });
    this.uplinkUp = new Gauge({
      name: 'hallgate_uplink_connected',
      help: '1 while the uplink is connected to the broker',
      registers: [r],
    });
    this.levels();
    this.readerMetrics();
  }

  /** Where scrape-time levels come from (the daemon's health). */
  setSources(s: ScrapeSources): void {
    this.sources = s;
  }

  watchPipeline(p: IngestPipeline): void {
    p.events.on('accepted', ({ event }) => {
      this.swipes.inc({ source: event.source, result: 'accepted' });
      if (event.studentId === null) return;
      if (this.awaiting.size > 10_000) this.awaiting.clear();
      if (!this.awaiting.has(event.studentId)) this.awaiting.set(event.studentId, performance.now());
    });
    p.events.on('invalid', ({ event, attempt }) => {
      this.swipes.inc({ source: event.source, result: 'invalid' });
      this.invalidAttempts.inc({ reason: attempt.reason });
    });
    p.events.on('classified', ({ studentId }) => {
      const t0 = this.awaiting.get(studentId);
      if (t0 === undefined) return;
      this.awaiting.delete(studentId);
      this.classification.observe(since(t0));
    });
  }

  watchReader(reader: BadgeReader): void {
    this.readers.push(reader);
  }

  watchUplink(u: Pick<Uplink, 'on'>): void {
    u.on('connected', () => this.uplinkUp.set(1));
    u.on('disconnected', () => this.uplinkUp.set(0));
    u.on('sent', ({ batchId }) => {
      this.batchesSent.inc();
      if (this.sentAt.size > 10_000) this.sentAt.clear();
      this.sentAt.set(batchId, performance.now());
    });
    u.on('acked', ({ batchId }) => {
      this.batchesAcked.inc();
      const t0 = this.sentAt.get(batchId);
      if (t0 === undefined) return;
      this.sentAt.delete(batchId);
      this.ackLatency.observe(since(t0));
    });
  }

  /** The engine, with every detect() and embed() timed (everything else goes to the engine itself). */
  timeEngine(engine: FaceEngine): FaceEngine {
    const h = this.inference;
    const timed = async <T>(stage: 'detect' | 'embed', call: () => Promise<T>): Promise<T> => {
      const end = h.startTimer({ stage });
      try {
        return await call();
      } finally {
        end();
      }
    };
    return {
      get name() {
        return engine.name;
      },
      get modelVersion() {
        return engine.modelVersion; // some engines learn it at load()
      },
      get embeddingSize() {
        return engine.embeddingSize;
      },
      get matchDefaults() {
        return engine.matchDefaults;
      },
      load: () => engine.load(),
      close: () => engine.close(),
      detect: (image) => timed('detect', () => engine.detect(image)),
      embed: (image, face) => timed('embed', () => engine.embed(image, face)),
    };
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private readerMetrics(): void {
    const r = this.registry;
    const each = <T>(
      f: (x: BadgeReader) => [Labels<'reader' | 'reason'>, T][],
    ): [Labels<'reader' | 'reason'>, T][] => this.readers.flatMap(f);
    totalCounter(
      r,
      'hallgate_invalid_frames_total',
      'Reader input rejected, by reader and reason',
      ['reader', 'reason'],
      () =>
        each((x) =>
          BAD_FRAME_REASONS.map((reason) => [{ reader: x.readerId, reason }, x.stats().badFrames[reason]]),
        ),
    );
    totalCounter(r, 'hallgate_reader_frames_total', 'Well-formed frames decoded, by reader', ['reader'], () =>
      each((x) => [[{ reader: x.readerId }, x.stats().framesOk]]),
    );
    totalCounter(
      r,
      'hallgate_reader_reconnects_total',
      'Times a reader device was opened again',
      ['reader'],
      () => each((x) => [[{ reader: x.readerId }, x.stats().reconnects]]),
    );
    totalCounter(
      r,
      'hallgate_reader_debounced_total',
      'Repeated reads folded into an earlier swipe',
      ['reader'],
      () => each((x) => [[{ reader: x.readerId }, x.stats().debounced]]),
    );
    levelGauge(r, 'hallgate_reader_state', 'Reader state (1 for the current one)', ['reader', 'state'], () =>
      Object.entries(this.health()?.readers ?? {}).flatMap(([reader, s]) =>
        READER_STATES.map((state): [Labels<'reader' | 'state'>, number] => [
          { reader, state },
          s === state ? 1 : 0,
        ]),
      ),
    );
  }

  private health(): ReturnType<ScrapeSources['health']> | undefined {
    return this.sources?.health();
  }

  private levels(): void {
    const r = this.registry;
    const level = (
      name: string,
      help: string,
      read: (h: ReturnType<ScrapeSources['health']>) => number | null,
    ): void => {
      levelGauge(r, name, help, [], () => {
        const h = this.health();
        return h ? [[{}, read(h)]] : [];
      });
    };
    level('hallgate_outbox_depth', 'Rows waiting in the outbox for the aggregator', (h) => h.outboxDepth);
    level(
      'hallgate_outbox_oldest_age_seconds',
      'Age of the oldest unsynced outbox row',
      (h) => h.oldestUnsyncedAgeSec,
    );
    level('hallgate_disk_free_bytes', "Free disk under the store's folder", (h) =>
      h.diskFreeMb === null ? null : h.diskFreeMb * 1024 * 1024,
    );
    level('hallgate_spooled_inputs', 'Inputs waiting in the spool for the store', (h) => h.spooled);
    level('hallgate_uptime_seconds', 'Seconds since the daemon started', (h) => h.uptimeSec);
    level(
      'hallgate_clock_skew_seconds',
      'Wall clock minus the reference clock (broker or aggregator)',
      (h) => (h.clock.skewMs === null ? null : h.clock.skewMs / 1000),
    );
    level(
      'hallgate_camera_fps',
      'Camera frames per second decoded since the last reading',
      (h) => h.camera?.fps ?? null,
    );
    const camera = (k: 'framesOut' | 'dropped'): [Labels<never>, number][] => {
      const c = this.health()?.camera as { framesOut?: number; dropped?: number } | null | undefined;
      const v = c?.[k];
      return v === undefined ? [] : [[{}, v]];
    };
    totalCounter(r, 'hallgate_camera_frames_total', 'Camera frames decoded', [], () => camera('framesOut'));
    totalCounter(
      r,
      'hallgate_camera_frames_dropped_total',
      'Camera frames dropped (decoding behind)',
      [],
      () => camera('dropped'),
    );
    levelGauge(r, 'hallgate_dead_letters', 'Dead letters held in the store', [], () =>
      this.sources ? [[{}, this.sources.deadLetters()]] : [],
    );
    levelGauge(r, 'hallgate_ready', '1 when /readyz says ready', [], () =>
      this.sources ? [[{}, this.sources.ready() ? 1 : 0]] : [],
    );
  }
}
