/**
 * Face engines side by side on the same frames (each engine in its own
 * process, so peak RSS is its own):
 *   - ms per 640x480 frame, detection + embedding of every face, one face and five faces
 *   - detection alone
 *   - frames/s sustained from the ffmpeg frame source (decode only, and through the recogniser)
 *   - peak RSS
 * Usage: node --import tsx bench/face.ts [--iterations N] [--seconds S]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { FfmpegFrameSource } from '../gateway/camera/ffmpegFrameSource.ts';
import { systemClock } from '../kernel/clock.ts';
import { silentLogger } from '../kernel/log.ts';
import { createEngine } from '../gateway/face/createEngine.ts';
import type { EngineName, FaceEngine, RgbImage } from '../gateway/face/faceEngine.ts';
import { FaceRecognizer } from '../gateway/face/faceRecognizer.ts';
import { Matcher } from '../gateway/face/matcher.ts';

const require = createRequire(import.meta.url);
const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const { values } = parseArgs({
  options: {
    engine: { type: 'string' },
    dir: { type: 'string' },
    iterations: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '6' },
  },
});

interface Result {
  engine: string;
  oneFaceMs: number;
  fiveFaceMs: number;
  detectOneMs: number;
  facesFound: [number, number];
  sourceFps: number;
  recognizerFps: number;
  /** Frames dropped by the recogniser (latest wins) out of those the camera delivered. */
  dropped: string;
  peakRssMb: number;
}

/** The bench frames and clip, made once and shared by both engine runs. */
async function makeFixtures(dir: string): Promise<void> {
  // one face: a person from sample1 in a 640x480 frame; five faces: sample5 letterboxed to 640x480
  await sharp(join(demo, 'sample1.jpg'))
    .extract({ left: 250, top: 150, width: 560, height: 420 })
    .resize(640, 480)
    .jpeg({ quality: 90 })
    .toFile(join(dir, 'one.jpg'));
  await sharp(join(demo, 'sample5.jpg'))
    .resize(640, 480, { fit: 'contain', background: '#000' })
    .jpeg({ quality: 90 })
    .toFile(join(dir, 'five.jpg'));
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    String(Number(values.seconds) * 4),
    '-i',
    join(dir, 'one.jpg'),
    '-vf',
    "zoompan=z='1+0.002*in':d=1:s=640x480:fps=25",
    '-pix_fmt',
    'yuv420p',
    join(dir, 'clip.mp4'),
  ]);
}

async function load(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function timeFrame(
  engine: FaceEngine,
  img: RgbImage,
  n: number,
  embed: boolean,
): Promise<{ ms: number; faces: number }> {
  let faces = 0;
  for (let i = 0; i < 3; i++) await engine.detect(img);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const found = await engine.detect(img);
    faces = found.length;
    if (embed) for (const f of found) await engine.embed(img, f);
  }
  return { ms: (performance.now() - t0) / n, faces };
}

/** Decode-only throughput: the clip as fast as ffmpeg + sharp go, frames out per second until it ends. */
async function sourceThroughput(clip: string, seconds: number): Promise<number> {
  const source = new FfmpegFrameSource(
    { input: clip, width: 640, height: 480, fps: 25, restartOnEnd: false },
    { clock: systemClock, log: silentLogger() },
  );
  let first = 0;
  let last = 0;
  let n = 0;
  source.events.on('frame', () => {
    const now = performance.now();
    if (n++ === 0) first = now;
    last = now;
  });
  const ended = new Promise<void>((r) => source.events.on('state', (c) => c.state === 'ended' && r()));
  await source.start();
  await Promise.race([ended, new Promise((r) => setTimeout(r, seconds * 1000))]);
  await source.stop();
  return n > 1 ? ((n - 1) * 1000) / (last - first) : 0;
}

/** A 25 fps camera (the clip read in real time) through the recogniser: frames recognised per second, and dropped. */
async function recognizerRate(
  clip: string,
  seconds: number,
  engine: FaceEngine,
): Promise<{ fps: number; dropped: number; offered: number }> {
  const source = new FfmpegFrameSource(
    { input: clip, width: 640, height: 480, fps: 25, realtime: true, restartOnEnd: false },
    { clock: systemClock, log: silentLogger() },
  );
  // nobody enrolled and no give-up: every frame's face is embedded and matched, the costly path
  const matcher = new Matcher(new Map(), engine.matchDefaults);
  const recognizer = new FaceRecognizer(
    { gateId: 'bench', hallId: 'bench', direction: 'enter', maxAttempts: Number.MAX_SAFE_INTEGER },
    { source, engine, matcher, clock: systemClock, log: silentLogger() },
  );
  await recognizer.start();
  await source.start();
  await new Promise((r) => setTimeout(r, 1000));
  const p0 = recognizer.stats().framesProcessed;
  const d0 = recognizer.stats().framesDropped;
  const o0 = source.stats().framesOut;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const st = recognizer.stats();
  const dt = (performance.now() - t0) / 1000;
  const out = {
    fps: (st.framesProcessed - p0) / dt,
    dropped: st.framesDropped - d0,
    offered: source.stats().framesOut - o0,
  };
  await recognizer.stop();
  await source.stop();
  return out;
}

async function child(name: EngineName, dir: string): Promise<void> {
  const n = Number(values.iterations);
  const engine = createEngine(name);
  await engine.load();
  const one = await load(join(dir, 'one.jpg'));
  const five = await load(join(dir, 'five.jpg'));
  const iters = name === 'onnx' ? n : Math.max(3, Math.round(n / 5));
  const r1 = await timeFrame(engine, one, iters, true);
  const r5 = await timeFrame(engine, five, iters, true);
  const d1 = await timeFrame(engine, one, iters, false);
  const seconds = Number(values.seconds);
  const sourceFps = await sourceThroughput(join(dir, 'clip.mp4'), seconds * 3);
  const rate = await recognizerRate(join(dir, 'clip.mp4'), seconds, engine);
  await engine.close();
  const result: Result = {
    engine: name,
    oneFaceMs: r1.ms,
    fiveFaceMs: r5.ms,
    detectOneMs: d1.ms,
    facesFound: [r1.faces, r5.faces],
    sourceFps,
    recognizerFps: rate.fps,
    dropped: `${rate.dropped}/${rate.offered}`,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  if (values.engine && values.dir) return child(values.engine as EngineName, values.dir);
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-face-'));
  try {
    await makeFixtures(dir);
    const self = fileURLToPath(import.meta.url);
    const results: Result[] = [];
    for (const engine of ['onnx', 'faceapi']) {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          self,
          '--engine',
          engine,
          '--dir',
          dir,
          '--iterations',
          values.iterations,
          '--seconds',
          values.seconds,
        ],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const line = r.stdout.trim().split('\n').pop() ?? '';
      results.push(JSON.parse(line) as Result);
    }
    const [o, f] = results as [Result, Result];
    const row = (label: string, get: (r: Result) => string): string => `| ${label} | ${get(o)} | ${get(f)} |`;
    console.log(
      `face engines, 640x480 frames, ${process.arch}, ${(await import('node:os')).cpus().length} cores, node ${process.version}\n`,
    );
    console.log('| | onnx (default) | face-api (WASM) |');
    console.log('|---|---|---|');
    console.log(row('faces found (one / five)', (r) => `${r.facesFound[0]} / ${r.facesFound[1]}`));
    console.log(row('ms/frame, 1 face (detect + embed)', (r) => r.oneFaceMs.toFixed(1)));
    console.log(row('ms/frame, 5 faces (detect + embed all)', (r) => r.fiveFaceMs.toFixed(1)));
    console.log(row('ms/frame, detection only, 1 face', (r) => r.detectOneMs.toFixed(1)));
    console.log(
      row('frames/s from the frame source (ffmpeg + decode, no consumer)', (r) => r.sourceFps.toFixed(1)),
    );
    console.log(row('frames/s recognised from a 25 fps camera (1 face)', (r) => r.recognizerFps.toFixed(1)));
    console.log(row('frames dropped by the recogniser (latest wins)', (r) => r.dropped));
    console.log(row('peak RSS (MB)', (r) => r.peakRssMb.toFixed(0)));
    console.log(
      `\nonnx vs face-api, 1 face: ${(f.oneFaceMs / o.oneFaceMs).toFixed(1)}x faster; 5 faces: ${(f.fiveFaceMs / o.fiveFaceMs).toFixed(1)}x`,
    );
    console.log(
      `target: onnx <= 40 ms/frame with one face: ${o.oneFaceMs <= 40 ? 'met' : 'NOT met'}; >= 10x face-api: ${f.oneFaceMs / o.oneFaceMs >= 10 ? 'met' : 'NOT met'}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
