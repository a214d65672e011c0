import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Logger } from 'pino';
import type { Clock } from '../../kernel/clock.ts';
import { SafeEmitter } from '../../kernel/safeEmitter.ts';
import type {
  CameraFrame,
  CameraState,
  FrameSource,
  FrameSourceEvents,
  FrameSourceStats,
} from './frameSource.ts';
import { JpegSplitter } from './jpegSplitter.ts';
import { LatestSlot } from './latestSlot.ts';

export interface FfmpegSourceOptions {
  /** rtsp://... URL, V4L2 device (/dev/videoN) or a video file. */
  input: string;
  width: number;
  height: number;
  fps: number;
  /** Read a file at its native rate (-re) rather than as fast as possible. */
  realtime?: boolean;
  /** Restart ffmpeg when the input ends normally (a camera never should). Default true. */
  restartOnEnd?: boolean;
  /** No bytes for this long: ffmpeg is killed and restarted. Default 5000. */
  stallTimeoutMs?: number;
  /** Restart backoff: doubles from initialMs up to maxMs; resets once frames flow. */
  backoff?: { initialMs: number; maxMs: number };
  /** MJPEG quality (ffmpeg -q:v, 2 best .. 31 worst). Default 5. */
  jpegQuality?: number;
  /** Keep the JPEG bytes on each frame. Default false. */
  keepJpeg?: boolean;
  ffmpegPath?: string;
  /** Run this instead of ffmpeg (it must write concatenated JPEGs to stdout). */
  command?: { file: string; args: string[] };
}

export interface FfmpegSourceDeps {
  clock: Clock;
  log: Logger;
}

/** ffmpeg's arguments for an input: scaled, letterboxed MJPEG at the configured rate on stdout. */
export function buildFfmpegArgs(o: FfmpegSourceOptions): string[] {
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
  if (/^rtsps?:\/\//i.test(o.input)) {
    args.push('-rtsp_transport', 'tcp', '-i', o.input);
  } else if (o.input.startsWith('/dev/video')) {
    args.push(
      '-f',
      'v4l2',
      '-framerate',
      String(o.fps),
      '-video_size',
      `${o.width}x${o.height}`,
      '-i',
      o.input,
    );
  } else {
    if (o.realtime) args.push('-re');
    args.push('-i', o.input);
  }
  const { width: w, height: h } = o;
  args.push(
    '-an',
    '-vf',
    `fps=${o.fps},scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2`,
    '-pix_fmt',
    'yuvj420p',
    '-c:v',
    'mjpeg',
    '-q:v',
    String(o.jpegQuality ?? 5),
    '-f',
    'image2pipe',
    'pipe:1',
  );
  return args;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Frames from ffmpeg: spawns it on the input, splits its MJPEG stdout and
 * decodes with sharp. A dead or stalled ffmpeg is restarted with backoff and
 * the state reported. Decoding keeps at most one JPEG waiting (latest frame
 * wins, drops counted), so a slow consumer never makes memory grow. A JPEG
 * that fails to decode is counted and skipped.
 */
export class FfmpegFrameSource implements FrameSource {
  readonly events: SafeEmitter<FrameSourceEvents>;
  private readonly log: Logger;
  private child: Child | undefined;
  private splitter = new JpegSplitter();
  private readonly slot = new LatestSlot<Buffer>();
  private decoding = false;
  /** Settles when the decode loop has nothing left (resolved while idle). */
  private drained: Promise<void> = Promise.resolve();
  private state: CameraState = 'idle';
  private stopping = false;
  private restarts = 0;
  private failuresInRow = 0;
  private framesIn = 0;
  private framesOut = 0;
  private corrupt = 0;
  private seq = 0;
  private lastDataAt = 0;
  private flowedSinceStart = false;
  private stderrTail: string[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: FfmpegSourceOptions,
    private readonly deps: FfmpegSourceDeps,
  ) {
    this.log = deps.log.child({ module: 'camera' });
    this.events = new SafeEmitter(this.log);
  }

  start(): Promise<void> {
    this.stopping = false;
    this.spawnChild();
    const stallMs = this.opts.stallTimeoutMs ?? 5000;
    this.watchdog = setInterval(() => this.checkStall(stallMs), Math.max(50, Math.floor(stallMs / 4)));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.kill('SIGTERM');
      await this.exited;
      clearTimeout(killer);
    }
    this.child = undefined;
    // A frame being decoded is finished (and counted); one still waiting is dropped (and counted).
    await this.drained;
    this.slot.discard();
    this.setState('stopped');
  }

  stats(): FrameSourceStats {
    const s = this.splitter.stats();
    return {
      state: this.state,
      restarts: this.restarts,
      framesIn: this.framesIn,
      framesOut: this.framesOut,
      dropped: this.slot.dropped,
      corrupt: this.corrupt + s.broken,
    };
  }

  /** pid of the running ffmpeg (for health output and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnChild(): void {
    const { file, args } = this.opts.command ?? {
      file: this.opts.ffmpegPath ?? 'ffmpeg',
      args: buildFfmpegArgs(this.opts),
    };
    this.setState('starting');
    this.flowedSinceStart = false;
    this.lastDataAt = performance.now();
    this.splitter = new JpegSplitter();
    this.stderrTail = [];
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let settle!: () => void;
    this.exited = new Promise((r) => (settle = r));
    let done = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null, err?: Error): void => {
      if (done) return;
      done = true;
      settle();
      if (this.child === child) this.child = undefined;
      this.onExit(code, signal, err);
    };
    child.on('error', (err) => onEnd(null, null, err));
    child.on('close', (code, signal) => onEnd(code, signal));
    child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      for (const line of text.split('\n')) if (line.trim()) this.stderrTail.push(line.trim());
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
  }

  private onData(chunk: Buffer): void {
    this.lastDataAt = performance.now();
    for (const jpeg of this.splitter.push(chunk)) {
      this.framesIn++;
      if (this.decoding) this.slot.put(jpeg);
      else void this.decode(jpeg);
    }
  }

  private decode(jpeg: Buffer): Promise<void> {
    this.decoding = true;
    this.drained = this.decodeLoop(jpeg);
    return this.drained;
  }

  private async decodeLoop(jpeg: Buffer): Promise<void> {
    let next: Buffer | undefined = jpeg;
    while (next && !this.stopping) {
      try {
        const { data, info } = await sharp(next, { failOn: 'error' })
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        this.seq++;
        this.framesOut++;
        if (!this.flowedSinceStart) {
          this.flowedSinceStart = true;
          this.failuresInRow = 0;
          this.setState('streaming');
        }
        const frame: CameraFrame = {
          rgb: data,
          width: info.width,
          height: info.height,
          ts: this.deps.clock.now(),
          seq: this.seq,
        };
        if (this.opts.keepJpeg) frame.jpeg = next;
        this.events.emit('frame', frame);
      } catch (err) {
        this.corrupt++;
        this.log.debug({ err, bytes: next.length }, 'corrupt JPEG skipped');
      }
      next = this.slot.take();
    }
    // In the same turn as the last take(): a JPEG arriving from now on starts a new loop.
    this.decoding = false;
  }

  private checkStall(stallMs: number): void {
    const child = this.child;
    if (!child || this.stopping) return;
    if (performance.now() - this.lastDataAt > stallMs) {
      this.log.warn({ input: redact(this.opts.input), stallMs }, 'camera stream stalled; restarting ffmpeg');
      this.setState('stalled', `no data for ${stallMs} ms`);
      this.lastDataAt = performance.now();
      child.kill('SIGKILL');
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    this.splitter.reset();
    if (this.stopping) return;
    const reason = err ? err.message : signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (code === 0 && !err && this.opts.restartOnEnd === false) {
      this.log.info({ input: redact(this.opts.input) }, 'camera input ended');
      clearInterval(this.watchdog);
      // Ended once every frame read has been decoded (or dropped), not while the last one is in flight.
      void this.drained.then(() => {
        if (!this.stopping) this.setState('ended', reason);
      });
      return;
    }
    if (!this.flowedSinceStart) this.failuresInRow++;
    const { initialMs, maxMs } = this.opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** Math.max(0, this.failuresInRow - 1));
    this.restarts++;
    this.log.warn(
      { input: redact(this.opts.input), reason, delayMs: delay, stderr: this.stderrTail.slice(-3) },
      'ffmpeg ended; restarting',
    );
    this.setState('restarting', reason);
    this.restartTimer = setTimeout(() => {
      if (!this.stopping) this.spawnChild();
    }, delay);
  }

  private setState(state: CameraState, reason?: string): void {
    if (state === this.state && reason === undefined) return;
    this.state = state;
    const change = {
      state,
      restarts: this.restarts,
      at: this.deps.clock.now(),
      ...(reason ? { reason } : {}),
    };
    this.events.emit('state', change);
  }
}

/** RTSP URLs may carry credentials: never log them. */
function redact(input: string): string {
  return input.replace(/\/\/[^@/]*@/, '//***@');
}
