import type { Logger } from 'pino';
import { FfmpegFrameSource } from './camera/ffmpegFrameSource.ts';
import type { Clock } from '../kernel/clock.ts';
import { gatesOf } from './config/doors.ts';
import type { Config } from './config/schema.ts';
import type { Service } from './service.ts';
import { createEngine } from './face/createEngine.ts';
import { matchSettingOf } from './face/faceThreshold.ts';
import { FaceRecognizer } from './face/faceRecognizer.ts';
import { Matcher } from './face/matcher.ts';
import { ReviewCropStore } from './face/reviewCrops.ts';
import type { GatewayCore } from './gatewayCore.ts';
import type { IngestInput } from './pipeline/ingestPipeline.ts';
import type { GatewayMetrics } from './metrics/gatewayMetrics.ts';

export interface CameraHealth {
  state: string;
  fps: number;
  /** Face tracks that ended too small to recognise (too far from the camera), since start. */
  tracksTooSmall: number;
  /** Frames decoded and dropped since start (for the metrics). */
  framesOut?: number;
  dropped?: number;
}

/**
 * The camera of a hall when `camera.enabled`: ffmpeg frames -> face engine ->
 * gallery match -> tracker -> one face event per track into the same pipeline
 * as the badges; unknown faces leave a review crop only when
 * `camera.reviewCrops.enabled`. Start: engine, review crops, recogniser, frame
 * source; stop in reverse.
 */
export function cameraService(
  cfg: Config,
  core: GatewayCore,
  log: Logger,
  clock: Clock,
  ingest: (input: IngestInput) => void,
  metrics?: GatewayMetrics,
): { service: Service; health: () => CameraHealth | null } | null {
  if (!cfg.camera.enabled) return null;
  const clog = log.child({ module: 'camera' });
  const created = createEngine(cfg.camera.engine);
  const engine = metrics ? metrics.timeEngine(created) : created;
  const crops = new ReviewCropStore(cfg.camera.reviewCrops, { clock, log });
  let source: FfmpegFrameSource | undefined;
  let recognizer: FaceRecognizer | undefined;
  let lastFrames = 0;
  let lastAt = clock.monotonic();

  /** Students enrolled in the sessions running in this hall now (searched first). */
  const candidates = (): ReadonlySet<string> | undefined => {
    const now = clock.now();
    const tol = core.pipeline.thresholds().sessionToleranceSec * 1000;
    const running = core.store
      .sessionsOfDay(core.store.site.dayOf(now))
      .filter((s) => s.hallId === cfg.gateway.hallId && now >= s.start - tol && now <= s.end + tol);
    if (running.length === 0) return undefined;
    return new Set(running.flatMap((s) => core.store.enrolledStudentIds(s.courseId)));
  };

  const service: Service = {
    name: 'camera',
    async start() {
      await engine.load();
      const { threshold, margin } = matchSettingOf(cfg.camera);
      const gallery = core.store.gallery;
      const matcher = new Matcher(gallery.load(engine.name, engine.modelVersion), { threshold, margin });
      if (matcher.size === 0)
        clog.warn(
          { engine: engine.name, modelVersion: engine.modelVersion },
          'no one is enrolled for this engine and model version: every face will be unknown',
        );
      if (core.pipeline.thresholds().faceMinConfidence > threshold) {
        clog.warn(
          { faceMinConfidence: core.pipeline.thresholds().faceMinConfidence, matchThreshold: threshold },
          'thresholds.faceMinConfidence is above the match threshold: matches between the two are recognised but ignored for attendance',
        );
      }
      await crops.start();
      source = new FfmpegFrameSource(
        { input: cfg.camera.input, width: cfg.camera.width, height: cfg.camera.height, fps: cfg.camera.fps },
        { clock, log },
      );
      recognizer = new FaceRecognizer(
        {
          gateId: gatesOf(cfg).cameraGate,
          hallId: cfg.gateway.hallId,
          direction: cfg.camera.direction,
          minFacePx: cfg.camera.minFacePx,
          candidates,
          ...(crops.enabled ? { onUnknown: (event, view) => crops.save(event, view) } : {}),
        },
        { source, engine, matcher, clock, log },
      );
      recognizer.events.on('identity', (event) => ingest({ kind: 'face', event }));
      await recognizer.start();
      await source.start();
      clog.info({ engine: engine.name, enrolled: matcher.size, input: cfg.camera.input }, 'camera running');
    },
    async stop() {
      await source?.stop();
      await recognizer?.stop();
      await crops.stop();
      await engine.close();
    },
  };
  const health = (): CameraHealth | null => {
    if (!source) return null;
    const s = source.stats();
    const now = clock.monotonic();
    const fps = now > lastAt ? ((s.framesOut - lastFrames) * 1000) / (now - lastAt) : 0;
    lastFrames = s.framesOut;
    lastAt = now;
    return {
      state: s.state,
      fps: Math.round(fps * 10) / 10,
      tracksTooSmall: recognizer?.stats().tracksTooSmall ?? 0,
      framesOut: s.framesOut,
      dropped: s.dropped,
    };
  };
  return { service, health };
}
