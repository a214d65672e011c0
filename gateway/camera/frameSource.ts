import type { SafeEmitter } from '../../kernel/safeEmitter.ts';

/** One decoded camera frame. */
export interface CameraFrame {
  /** The JPEG as the camera pipe delivered it (absent when the source does not keep it). */
  jpeg?: Buffer;
  /** RGB, 3 bytes per pixel, no padding. */
  rgb: Buffer;
  width: number;
  height: number;
  /** Epoch ms (injected clock) when the frame arrived. */
  ts: number;
  /** 1, 2, 3, ... over the life of the source (across restarts). */
  seq: number;
}

export type CameraState = 'idle' | 'starting' | 'streaming' | 'stalled' | 'restarting' | 'ended' | 'stopped';

export interface CameraStateChange {
  state: CameraState;
  reason?: string;
  restarts: number;
  at: number;
}

export interface FrameSourceStats {
  state: CameraState;
  restarts: number;
  /** JPEGs split out of the stream. */
  framesIn: number;
  /** Frames decoded and emitted. */
  framesOut: number;
  /** Frames dropped because decoding was behind (latest frame wins). */
  dropped: number;
  /** Frames that failed to decode or were structurally broken. */
  corrupt: number;
}

export interface FrameSourceEvents extends Record<string, unknown> {
  frame: CameraFrame;
  state: CameraStateChange;
}

/** A camera (or anything that yields frames). start() begins delivery; stop() ends it. */
export interface FrameSource {
  readonly events: SafeEmitter<FrameSourceEvents>;
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): FrameSourceStats;
}
