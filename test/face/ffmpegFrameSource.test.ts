import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import {
  buildFfmpegArgs,
  FfmpegFrameSource,
  type FfmpegSourceOptions,
} from '../../gateway/camera/ffmpegFrameSource.ts';
import type { CameraFrame, CameraState } from '../../gateway/camera/frameSource.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir('hallgate-camera-');
let video = '';

before(() => {
  video = join(tmp.dir, 'test.mp4');
  // 2 s of a test pattern at 10 fps
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=10',
    '-t',
    '2',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);
});
after(() => tmp.cleanup());

function source(o: Partial<FfmpegSourceOptions>): FfmpegFrameSource {
  return new FfmpegFrameSource(
    { input: video, width: 160, height: 120, fps: 10, backoff: { initialMs: 50, maxMs: 200 }, ...o },
    { clock: systemClock, log: silentLogger() },
  );
}

/** Polls `cond` until it holds (rejects after ms: a generous bound, not a timing). */
async function waitUntil(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves when `pred` holds for a state change (or rejects after ms: a generous bound, not a timing). */
function waitState(src: FfmpegFrameSource, pred: (s: CameraState) => boolean, ms = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`state not reached; stats ${JSON.stringify(src.stats())}`)),
      ms,
    );
    const off = src.events.on('state', (c) => {
      if (pred(c.state)) {
        clearTimeout(t);
        off();
        resolve();
      }
    });
  });
}

test('ffmpeg arguments per input kind', () => {
  const base = { width: 640, height: 480, fps: 10 };
  const rtsp = buildFfmpegArgs({ ...base, input: 'rtsp://user:pw@cam/stream' });
  assert.deepEqual(rtsp.slice(rtsp.indexOf('-rtsp_transport'), rtsp.indexOf('-rtsp_transport') + 4), [
    '-rtsp_transport',
    'tcp',
    '-i',
    'rtsp://user:pw@cam/stream',
  ]);
  const v4l2 = buildFfmpegArgs({ ...base, input: '/dev/video0' });
  assert.deepEqual(v4l2.slice(v4l2.indexOf('-f'), v4l2.indexOf('-f') + 2), ['-f', 'v4l2']);
  assert.ok(v4l2.includes('640x480'));
  const file = buildFfmpegArgs({ ...base, input: 'a.mp4', realtime: true });
  assert.ok(file.indexOf('-re') < file.indexOf('-i'));
  assert.ok(!buildFfmpegArgs({ ...base, input: 'a.mp4' }).includes('-re'));
  assert.equal(file.at(-1), 'pipe:1');
  assert.ok(file.includes('mjpeg'));
});

test('reads a video file: decoded frames at the configured size, in order, then ends', async () => {
  const src = source({ restartOnEnd: false });
  const frames: CameraFrame[] = [];
  src.events.on('frame', (f) => frames.push(f));
  const states: CameraState[] = [];
  src.events.on('state', (c) => states.push(c.state));
  const ended = waitState(src, (s) => s === 'ended');
  await src.start();
  await ended;
  await src.stop();
  const st = src.stats();
  // 2 s at 10 fps. 'ended' comes once the last frame is decoded, and stop() finishes a frame in
  // flight and counts one left waiting: every frame read is either delivered or counted as dropped.
  assert.equal(st.framesIn, 20, JSON.stringify(st));
  assert.equal(st.framesOut + st.dropped, 20, JSON.stringify(st));
  assert.equal(st.corrupt, 0, JSON.stringify(st));
  assert.ok(frames.length >= 1);
  for (const f of frames) {
    assert.equal(f.width, 160);
    assert.equal(f.height, 120);
    assert.equal(f.rgb.length, 160 * 120 * 3);
  }
  assert.deepEqual(
    frames.map((f) => f.seq),
    frames.map((_, i) => i + 1),
  );
  assert.deepEqual(states.slice(0, 2), ['starting', 'streaming']);
  assert.ok(states.includes('ended'));
});

test("stopped right at the input's end: every frame read is delivered or counted as dropped", async () => {
  // A listener slow enough (30 ms per frame) that frames are still being decoded and waiting when
  // ffmpeg exits: 'ended' waits for them, and stop() then finds nothing uncounted.
  const src = source({ restartOnEnd: false });
  let seen = 0;
  src.events.on('frame', () => {
    seen++;
    const until = Date.now() + 30;
    while (Date.now() < until);
  });
  const ended = waitState(src, (s) => s === 'ended');
  await src.start();
  await ended;
  const atEnd = src.stats();
  await src.stop();
  const st = src.stats();
  assert.equal(st.framesIn, 20, JSON.stringify(st));
  assert.equal(atEnd.framesOut + atEnd.dropped, 20, `counted when 'ended' came: ${JSON.stringify(atEnd)}`);
  assert.equal(st.framesOut, seen);
  assert.equal(st.framesOut + st.dropped, 20, JSON.stringify(st));
});

test('a slow consumer: latest frame wins, drops counted, nothing queues up', async () => {
  // a listener that blocks the event loop for 50 ms per frame, at as-fast-as-possible input
  const src = source({ restartOnEnd: false, width: 320, height: 240 });
  let seen = 0;
  src.events.on('frame', () => {
    seen++;
    const until = Date.now() + 50;
    while (Date.now() < until);
  });
  const ended = waitState(src, (s) => s === 'ended');
  await src.start();
  // 'ended' comes once every frame read is delivered or counted as dropped: nothing to wait for after it.
  await ended;
  await src.stop();
  const st = src.stats();
  assert.equal(st.framesIn, 20);
  assert.equal(st.framesOut, seen);
  assert.equal(st.framesOut + st.dropped, 20, JSON.stringify(st));
  assert.ok(st.dropped > 0, 'some frames were dropped');
});

test('ffmpeg exiting or being killed is restarted with backoff and frames keep coming', async () => {
  const src = source({ realtime: true });
  let frames = 0;
  src.events.on('frame', () => frames++);
  const streaming = waitState(src, (s) => s === 'streaming');
  await src.start();
  await streaming;
  const pid = src.pid!;
  const restarted = waitState(src, (s) => s === 'restarting');
  process.kill(pid, 'SIGKILL');
  await restarted;
  const again = waitState(src, (s) => s === 'streaming');
  await again;
  const before = frames;
  await waitUntil(() => frames > before, 'a frame after the restart');
  await src.stop();
  assert.ok(src.stats().restarts >= 1);
  assert.notEqual(src.pid, pid);
  assert.ok(frames > before, 'frames after the restart');
  assert.equal(src.stats().state, 'stopped');
});

test('a stalled stream (no bytes) is killed and restarted', async () => {
  const src = source({ command: { file: 'sleep', args: ['30'] }, stallTimeoutMs: 300 });
  const stalled = waitState(src, (s) => s === 'stalled');
  await src.start();
  await stalled;
  await waitState(src, (s) => s === 'restarting');
  await src.stop();
  assert.ok(src.stats().restarts >= 1);
});

test('a corrupt JPEG mid-stream is counted and skipped', async () => {
  const good = await Promise.all(
    [10, 120, 240].map((v) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: { r: v, g: v, b: v } } })
        .jpeg()
        .toBuffer(),
    ),
  );
  // structurally a JPEG (markers fine) but its frame header says height 0: undecodable
  const bad = Buffer.from(good[1]!);
  const sof = bad.indexOf(Buffer.from([0xff, 0xc0]));
  assert.ok(sof > 0);
  bad.writeUInt16BE(0, sof + 5);
  const parts = [good[0]!, bad, good[1]!, good[2]!].map((b, i) => {
    const f = join(tmp.dir, `part${i}.jpg`);
    writeFileSync(f, b);
    return f;
  });
  // A camera writes frame by frame. The writer sends the next part only once the previous one is
  // decoded (a file per part, made by the test), so the decoder sees each one (no drops) however slow.
  const script = parts.map((f) => `cat '${f}'; while [ ! -e '${f}.seen' ]; do sleep 0.01; done`).join('; ');
  const src = source({ command: { file: 'sh', args: ['-c', script] }, restartOnEnd: false });
  const frames: CameraFrame[] = [];
  src.events.on('frame', (f) => frames.push(f));
  const ended = waitState(src, (s) => s === 'ended');
  await src.start();
  for (let i = 0; i < parts.length; i++) {
    await waitUntil(() => src.stats().framesOut + src.stats().corrupt > i, `part ${i} decoded`);
    writeFileSync(`${parts[i]!}.seen`, '');
  }
  await ended;
  await src.stop();
  const st = src.stats();
  assert.equal(st.framesIn, 4);
  assert.equal(st.corrupt, 1, JSON.stringify(st));
  assert.equal(st.framesOut, 3, JSON.stringify(st));
  assert.ok(frames.every((f) => f.width === 64 && f.height === 48));
});
