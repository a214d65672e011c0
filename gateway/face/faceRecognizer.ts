import type { Logger } from 'pino';
import type { Direction, IdentityEvent } from '../../rules/types.ts';
import type { CameraFrame, FrameSource } from '../camera/frameSource.ts';
import { LatestSlot } from '../camera/latestSlot.ts';
import type { Clock } from '../../kernel/clock.ts';
import { SafeEmitter } from '../../kernel/safeEmitter.ts';
import { IdentityCooldown } from './cooldown.ts';
import type { Box, DetectedFace, FaceEngine, RgbImage } from './faceEngine.ts';
import type { Matcher } from './matcher.ts';
import { IouTracker, type Track } from './tracker.ts';

export interface FaceRecognizerOptions {
  gateId: string;
  hallId: string;
  direction: Direction;
  /** Faces smaller than this (shorter box side, px) are tracked but not recognised. Default 40. */
  minFacePx?: number;
  /** Recognition attempts per track before it is an unknown face. Default 5. */
  maxAttempts?: number;
  /** The same student at this gate again within this window makes no new event. Default 60000. */
  cooldownMs?: number;
  /** IoU to continue a track. Default 0.3. */
  iouThreshold?: number;
  /** Processed frames a track may go unseen before it ends. Default 5. */
  maxMisses?: number;
  /** Students of this hall's current sessions, searched first. */
  candidates?: () => ReadonlySet<string> | undefined;
  /**
   * Called after an unknown-face event with the track's best view (highest
   * detector score among its recognition attempts). Only when set does the
   * recogniser keep such views (a small region per undecided track). A
   * throwing callback is caught and logged.
   */
  onUnknown?: (event: IdentityEvent, view: FaceView) => void;
}

/** A region of one frame around a face (the face plus half its size on every side, clipped). */
export interface FaceView {
  image: RgbImage;
  /** The face inside `image`. */
  box: Box;
  /** Detector score of the face. */
  score: number;
  /** Timestamp of the frame it came from. */
  ts: number;
}

export interface FaceRecognizerDeps {
  source: FrameSource;
  engine: FaceEngine;
  matcher: Matcher;
  clock: Clock;
  log: Logger;
}

export interface FaceRecognizerEvents extends Record<string, unknown> {
  identity: IdentityEvent;
}

export interface FaceRecognizerStats {
  framesProcessed: number;
  /** Frames skipped because recognition was busy (latest frame wins). */
  framesDropped: number;
  facesDetected: number;
  /** Detections skipped because the face was smaller than minFacePx. */
  facesTooSmall: number;
  /** Tracks that ended without a single try: the face never grew to minFacePx (too far from the camera). */
  tracksTooSmall: number;
  embeddings: number;
  events: number;
  unknown: number;
  suppressedByCooldown: number;
  errors: number;
  activeTracks: number;
}

/**
 * Camera frames -> detection -> IoU tracks -> embedding + matching until a
 * track is confidently recognised (or given up as unknown) -> one
 * IdentityEvent per track, with a per-identity cooldown per gate. Only the
 * newest frame waits while one is processed. Embeddings are never logged.
 */
export class FaceRecognizer {
  readonly events: SafeEmitter<FaceRecognizerEvents>;
  private readonly log: Logger;
  private readonly tracker: IouTracker;
  private readonly cooldown: IdentityCooldown;
  private readonly slot = new LatestSlot<CameraFrame>();
  private busy = false;
  private idle: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  /** Best view of each undecided track, kept only when opts.onUnknown is set. */
  private readonly views = new Map<string, FaceView>();
  /** Largest face (px) of each undecided track seen only below minFacePx so far. */
  private readonly small = new Map<string, number>();
  private readonly counters = {
    framesProcessed: 0,
    facesDetected: 0,
    facesTooSmall: 0,
    tracksTooSmall: 0,
    embeddings: 0,
    events: 0,
    unknown: 0,
    suppressedByCooldown: 0,
    errors: 0,
  };

  constructor(
    private readonly opts: FaceRecognizerOptions,
    private readonly deps: FaceRecognizerDeps,
  ) {
    this.log = deps.log.child({ module: 'face' });
    this.events = new SafeEmitter(this.log);
    this.tracker = new IouTracker({
      iouThreshold: opts.iouThreshold ?? 0.3,
      maxMisses: opts.maxMisses ?? 5,
      idPrefix: `${opts.gateId}-${deps.clock.now().toString(36)}`,
    });
    this.cooldown = new IdentityCooldown(opts.cooldownMs ?? 60_000);
  }

  /** Subscribes to the frame source (start the source separately, after this). */
  start(): Promise<void> {
    this.unsubscribe = this.deps.source.events.on('frame', (f) => this.offer(f));
    return Promise.resolve();
  }

  /** Unsubscribes and waits for the frame in progress. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.slot.take();
    await this.idle;
  }

  /** A track that ended having been seen only too small: counted and logged (no face data in the line). */
  private endSmall(trackId: string): void {
    const facePx = this.small.get(trackId);
    if (facePx === undefined) return;
    this.small.delete(trackId);
    this.counters.tracksTooSmall++;
    this.log.info(
      { trackId, facePx: Math.round(facePx), minFacePx: this.opts.minFacePx ?? 40 },
      'face too small to recognise (too far from the camera): track ended without a try',
    );
  }

  stats(): FaceRecognizerStats {
    return { ...this.counters, framesDropped: this.slot.dropped, activeTracks: this.tracker.active.length };
  }

  /** Resolves once the frame in progress and any waiting frame are done. */
  drain(): Promise<void> {
    return this.idle;
  }

  private offer(frame: CameraFrame): void {
    if (this.busy) {
      this.slot.put(frame);
      return;
    }
    this.idle = this.run(frame);
  }

  private async run(first: CameraFrame): Promise<void> {
    this.busy = true;
    let frame: CameraFrame | undefined = first;
    while (frame) {
      try {
        await this.processFrame(frame);
      } catch (err) {
        this.counters.errors++;
        this.log.error({ err, seq: frame.seq }, 'face recognition failed on a frame');
      }
      frame = this.slot.take();
    }
    this.busy = false;
  }

  /** Runs one frame through detection, tracking and recognition; returns the events it produced. */
  async processFrame(frame: CameraFrame): Promise<IdentityEvent[]> {
    const { engine, matcher } = this.deps;
    const image: RgbImage = { data: frame.rgb, width: frame.width, height: frame.height };
    const faces = await engine.detect(image);
    this.counters.framesProcessed++;
    this.counters.facesDetected += faces.length;
    const { assigned, ended } = this.tracker.update(
      faces.map((f) => f.box),
      frame.ts,
    );
    const out: IdentityEvent[] = [];
    const candidates = this.opts.candidates?.();
    const maxAttempts = this.opts.maxAttempts ?? 5;
    for (const { index, track } of assigned) {
      if (track.decided) continue;
      const face: DetectedFace = faces[index]!;
      const facePx = Math.min(face.box.width, face.box.height);
      if (facePx < (this.opts.minFacePx ?? 40)) {
        this.counters.facesTooSmall++;
        if (track.attempts === 0) this.small.set(track.id, Math.max(this.small.get(track.id) ?? 0, facePx));
        continue;
      }
      this.small.delete(track.id);
      track.attempts++;
      if (this.opts.onUnknown) this.keepView(track, face, image, frame.ts);
      const embedding = await engine.embed(image, face);
      this.counters.embeddings++;
      const m = matcher.match(embedding, candidates);
      if (m.studentId !== null) {
        track.decided = true;
        this.views.delete(track.id);
        const ev = this.decide(track, m.studentId, m.score, frame.ts);
        if (ev) out.push(ev);
      } else if (track.attempts >= maxAttempts) {
        track.decided = true;
        out.push(this.unknown(track, m.score, frame.ts));
      }
    }
    // a face seen and tried at least twice that left before being recognised is an unknown face
    for (const t of ended) {
      if (!t.decided && t.attempts >= 2) out.push(this.unknown(t, 0, t.lastTs));
      this.views.delete(t.id);
      this.endSmall(t.id);
    }
    return out;
  }

  /** Keeps a copy of the region around the face if it is the track's best view so far. */
  private keepView(track: Track, face: DetectedFace, image: RgbImage, ts: number): void {
    const prev = this.views.get(track.id);
    if (prev && prev.score >= face.score) return;
    this.views.set(track.id, { ...cropAround(image, face.box, 0.5), score: face.score, ts });
  }

  private decide(track: Track, studentId: string, score: number, ts: number): IdentityEvent | undefined {
    if (!this.cooldown.allow(this.opts.gateId, studentId, ts)) {
      this.counters.suppressedByCooldown++;
      this.log.debug({ trackId: track.id, studentId }, 'recognised again within cooldown; no event');
      return undefined;
    }
    return this.emit(track, studentId, score, ts);
  }

  private unknown(track: Track, score: number, ts: number): IdentityEvent {
    this.counters.unknown++;
    const ev = this.emit(track, null, score, ts);
    const view = this.views.get(track.id);
    this.views.delete(track.id);
    if (view && this.opts.onUnknown) {
      try {
        this.opts.onUnknown(ev, view);
      } catch (err) {
        this.log.error({ err, eventId: ev.eventId }, 'unknown-face callback failed');
      }
    }
    return ev;
  }

  private emit(track: Track, studentId: string | null, score: number, ts: number): IdentityEvent {
    const ev: IdentityEvent = {
      eventId: `${this.opts.gateId}:face:${track.id}:${ts}`,
      source: 'face',
      studentId,
      rawId: studentId === null ? 'face:unknown' : `face:${studentId}`,
      gateId: this.opts.gateId,
      hallId: this.opts.hallId,
      direction: this.opts.direction,
      ts,
      confidence: Math.max(0, Math.min(1, score)),
      trackId: track.id,
    };
    this.counters.events++;
    this.log.info(
      {
        eventId: ev.eventId,
        studentId,
        trackId: track.id,
        confidence: Number(ev.confidence!.toFixed(3)),
        attempts: track.attempts,
      },
      studentId === null ? 'unknown face' : 'face recognised',
    );
    this.events.emit('identity', ev);
    return ev;
  }
}

/** Copies the region of `image` around `box`, padded by `pad` box sizes on every side and clipped. */
export function cropAround(image: RgbImage, box: Box, pad: number): { image: RgbImage; box: Box } {
  const x0 = Math.max(0, Math.floor(box.x - box.width * pad));
  const y0 = Math.max(0, Math.floor(box.y - box.height * pad));
  const x1 = Math.min(image.width, Math.ceil(box.x + box.width * (1 + pad)));
  const y1 = Math.min(image.height, Math.ceil(box.y + box.height * (1 + pad)));
  const width = Math.max(1, x1 - x0);
  const height = Math.max(1, y1 - y0);
  const data = new Uint8Array(width * height * 3);
  const left = Math.min(x0, image.width - 1);
  const top = Math.min(y0, image.height - 1);
  for (let row = 0; row < height; row++) {
    const from = ((top + row) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), row * width * 3);
  }
  return {
    image: { data, width, height },
    box: { x: box.x - left, y: box.y - top, width: box.width, height: box.height },
  };
}
