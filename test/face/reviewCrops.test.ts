import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import sharp from 'sharp';
import type { IdentityEvent } from '../../rules/types.ts';
import type { CameraFrame } from '../../gateway/camera/frameSource.ts';
import { FfmpegFrameSource } from '../../gateway/camera/ffmpegFrameSource.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { enrollStudent } from '../../gateway/face/enroll.ts';
import { FaceRecognizer } from '../../gateway/face/faceRecognizer.ts';
import { Gallery } from '../../gateway/store/galleryTable.ts';
import { Matcher } from '../../gateway/face/matcher.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { ReviewCropStore, cropFileName, type ReviewCropOptions } from '../../gateway/face/reviewCrops.ts';
import { migrate } from '../../gateway/store/migrate.ts';
import { decode, samplePath, tempDir } from './helpers.ts';
import { enrolmentCrop, findPeople, type Person } from './variants.ts';
import { walkInVideo } from './walkInVideo.ts';

const tmp = tempDir('hallgate-review-crops-');
const engine = new OnnxFaceEngine();
const START = Date.UTC(2025, 0, 6, 9, 0);
const HOUR = 3_600_000;

let people: Person[];
let person: Person;
let other: Person;
let gallery: Gallery;
let db: Database.Database;
/** A 640x480 frame showing the enrolled student (s5p2) and a neighbour who is not enrolled (s5p3). */
let scene: CameraFrame;
let blank: CameraFrame;

before(async () => {
  await engine.load();
  people = await findPeople(engine);
  person = people.find((p) => p.id === 's5p2')!;
  other = people.find((p) => p.id === 's5p3')!;
  db = new Database(join(tmp.dir, 'gallery.db'));
  migrate(db);
  gallery = new Gallery(db);
  const photo = join(tmp.dir, 'enrol.jpg');
  writeFileSync(photo, await enrolmentCrop(person));
  const enrolled = await enrollStudent({ engine, gallery, clock: new ManualClock(START) }, 'S100', [photo]);
  assert.equal(enrolled.ok, true, JSON.stringify(enrolled.photos));

  const left = Math.max(0, Math.round(person.box.x - person.box.width * 0.8));
  const right = Math.min(person.imageWidth, Math.round(other.box.x + other.box.width * 1.8));
  const top = Math.max(0, Math.round(Math.min(person.box.y, other.box.y) - person.box.height * 0.8));
  const height = Math.min(person.imageHeight - top, Math.round(person.box.height * 2.6));
  const still = await sharp(samplePath(person.sample))
    .extract({ left, top, width: right - left, height })
    .resize(640, 480, { fit: 'contain', background: '#202020' })
    .jpeg()
    .toBuffer();
  const img = await decode(still);
  scene = { rgb: Buffer.from(img.data), width: img.width, height: img.height, ts: 0, seq: 0 };
  blank = { rgb: Buffer.alloc(640 * 480 * 3, 0x20), width: 640, height: 480, ts: 0, seq: 0 };
});

after(async () => {
  db?.close();
  await engine.close();
  tmp.cleanup();
});

function cropStore(
  over: Partial<ReviewCropOptions> = {},
  clock = new ManualClock(START),
  log: Logger = silentLogger(),
): ReviewCropStore {
  return new ReviewCropStore(
    {
      enabled: true,
      dir: join(tmp.dir, `crops-${Math.random().toString(36).slice(2)}`),
      retentionHours: 72,
      maxFiles: 100,
      ...over,
    },
    { clock, log },
  );
}

/** A recogniser wired like cameraService: unknown faces go to the crop store. */
function recognizer(
  crops: ReviewCropStore,
  source = stillSource(),
  clock = new ManualClock(START),
): FaceRecognizer {
  const matcher = new Matcher(gallery.load(engine.name, engine.modelVersion), engine.matchDefaults);
  return new FaceRecognizer(
    { gateId: 'G1', hallId: 'H1', direction: 'enter', onUnknown: (ev, view) => crops.save(ev, view) },
    { source, engine, matcher, clock, log: silentLogger() },
  );
}

/** A frame source that is never started (frames are fed with processFrame). */
function stillSource(): FfmpegFrameSource {
  return new FfmpegFrameSource(
    { input: '/dev/null', width: 640, height: 480, fps: 10 },
    { clock: new ManualClock(START), log: silentLogger() },
  );
}

/** The scene for `shown` frames (both faces tried up to 5 times), then an empty hall until every track ends. */
async function walkPast(rec: FaceRecognizer, shown = 6): Promise<IdentityEvent[]> {
  const events: IdentityEvent[] = [];
  let seq = 0;
  for (let i = 0; i < shown + 8; i++) {
    const base = i < shown ? scene : blank;
    seq++;
    events.push(...(await rec.processFrame({ ...base, ts: START + seq * 100, seq })));
  }
  return events;
}

const files = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('review crops of unknown faces', () => {
  test('disabled (the default): unknown faces are events, no file and no directory', async () => {
    const crops = cropStore({ enabled: false });
    await crops.start();
    const events = await walkPast(recognizer(crops));
    await crops.stop();
    assert.ok(
      events.some((e) => e.studentId === null),
      `an unknown face was seen: ${JSON.stringify(events)}`,
    );
    assert.ok(events.some((e) => e.studentId === 'S100'));
    assert.equal(existsSync(crops.dir), false);
    assert.deepEqual(crops.stats(), { saved: 0, failed: 0, purged: 0 });
  });

  test('enabled, still frames: one crop per unknown track, none for the enrolled student', async () => {
    const crops = cropStore();
    await crops.start();
    const dir = crops.dir;
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const events = await walkPast(recognizer(crops));
    await crops.drain();
    const unknown = events.filter((e) => e.studentId === null);
    const known = events.filter((e) => e.studentId !== null);
    assert.ok(unknown.length >= 1, JSON.stringify(events));
    assert.deepEqual(
      known.map((e) => e.studentId),
      ['S100'],
    );
    assert.equal(new Set(unknown.map((e) => e.trackId)).size, unknown.length, 'one event per track');
    assert.deepEqual(files(dir), unknown.map((e) => cropFileName(e.eventId)).sort());
    for (const e of known) assert.equal(existsSync(join(dir, cropFileName(e.eventId))), false);
    assert.equal(crops.stats().saved, unknown.length);
    await crops.stop();
  });

  test('enabled, ffmpeg walk-in video: each crop is a JPEG (0600) of one face that is not the enrolled student', async () => {
    const clock = new ManualClock(START);
    const crops = cropStore({}, clock);
    const video = await walkInVideo(tmp.dir, person, other);
    const source = new FfmpegFrameSource(
      { input: video, width: 640, height: 480, fps: 10, realtime: true, restartOnEnd: false },
      { clock, log: silentLogger() },
    );
    const rec = recognizer(crops, source, clock);
    const events: IdentityEvent[] = [];
    rec.events.on('identity', (e) => events.push(e));
    const ended = new Promise<void>((resolve) =>
      source.events.on('state', (s) => s.state === 'ended' && resolve()),
    );
    await crops.start();
    await rec.start();
    await source.start();
    await ended;
    await rec.drain();
    await rec.stop();
    await source.stop();
    await crops.stop();

    const dir = crops.dir;
    const unknown = events.filter((e) => e.studentId === null);
    assert.equal(events.filter((e) => e.studentId === 'S100').length, 1, JSON.stringify(events));
    assert.ok(unknown.length >= 1, JSON.stringify(events));
    assert.deepEqual(files(dir), unknown.map((e) => cropFileName(e.eventId)).sort());
    const matcher = new Matcher(gallery.load(engine.name, engine.modelVersion), engine.matchDefaults);
    for (const name of files(dir)) {
      const path = join(dir, name);
      assert.equal(statSync(path).mode & 0o777, 0o600, name);
      const meta = await sharp(path).metadata();
      assert.equal(meta.format, 'jpeg');
      const img = await decode(path);
      const faces = await engine.detect(img);
      assert.equal(faces.length, 1, `${name}: one face in the crop`);
      assert.equal(matcher.match(await engine.embed(img, faces[0]!)).studentId, null, `${name} is not S100`);
      console.log(
        `[review-crops] ${name}: ${meta.width}x${meta.height}, face ${Math.round(faces[0]!.box.width)} px`,
      );
    }
  });

  test('a write failure (directory cannot be created) is counted and logged; recognition continues', async () => {
    const blocker = join(tmp.dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const lines: { level: number; msg: string; err?: { code?: string } }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as (typeof lines)[number]);
        cb();
      },
    });
    const crops = cropStore(
      { dir: join(blocker, 'crops') },
      new ManualClock(START),
      pino({ level: 'error' }, sink),
    );
    await crops.start();
    const rec = recognizer(crops);
    const first = await walkPast(rec);
    await crops.drain();
    const unknown = first.filter((e) => e.studentId === null);
    assert.ok(unknown.length >= 1);
    assert.equal(crops.stats().failed, unknown.length);
    assert.equal(crops.stats().saved, 0);
    const failures = lines.filter((l) => l.msg === 'review crop not saved');
    assert.equal(failures.length, unknown.length);
    assert.equal(failures[0]!.err?.code, 'ENOTDIR');
    // the recogniser is unharmed: another pass after the cooldown window still yields events
    const again = await walkPast(rec);
    assert.ok(again.some((e) => e.studentId === null));
    assert.equal(rec.stats().errors, 0);
    await crops.stop();
  });
});

describe('review crop purge', () => {
  /** Files in a fresh crop dir with the given ages (hours before START). */
  function seed(ages: Record<string, number>): string {
    const dir = join(tmp.dir, `purge-${Math.random().toString(36).slice(2)}`);
    mkdirSync(dir, { mode: 0o700 });
    for (const [name, hours] of Object.entries(ages)) {
      const path = join(dir, name);
      writeFileSync(path, 'jpeg');
      const t = (START - hours * HOUR) / 1000;
      utimesSync(path, t, t);
    }
    return dir;
  }

  const cases: {
    name: string;
    ages: Record<string, number>;
    opts?: Partial<ReviewCropOptions>;
    now?: number;
    left: string[];
    result: { removedOld: number; removedOverLimit: number; kept: number };
  }[] = [
    {
      name: 'older than retentionHours go, newer stay',
      ages: { 'a.jpg': 100, 'b.jpg': 73, 'c.jpg': 71, 'd.jpg': 1 },
      left: ['c.jpg', 'd.jpg'],
      result: { removedOld: 2, removedOverLimit: 0, kept: 2 },
    },
    {
      name: 'the clock decides what is old',
      ages: { 'a.jpg': 10, 'b.jpg': 1 },
      now: START + 70 * HOUR,
      left: ['b.jpg'],
      result: { removedOld: 1, removedOverLimit: 0, kept: 1 },
    },
    {
      name: 'maxFiles keeps the newest',
      ages: { 'a.jpg': 5, 'b.jpg': 4, 'c.jpg': 3, 'd.jpg': 2, 'e.jpg': 1 },
      opts: { maxFiles: 2 },
      left: ['d.jpg', 'e.jpg'],
      result: { removedOld: 0, removedOverLimit: 3, kept: 2 },
    },
    {
      name: 'age first, then the count',
      ages: { 'a.jpg': 80, 'b.jpg': 3, 'c.jpg': 2, 'd.jpg': 1 },
      opts: { maxFiles: 2 },
      left: ['c.jpg', 'd.jpg'],
      result: { removedOld: 1, removedOverLimit: 1, kept: 2 },
    },
    {
      name: 'other files are never touched; stale .tmp files are removed',
      ages: { 'notes.txt': 500, 'x.jpg.tmp': 100, 'y.jpg': 100, 'z.jpg': 1 },
      left: ['notes.txt', 'z.jpg'],
      result: { removedOld: 2, removedOverLimit: 0, kept: 1 },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const dir = seed(c.ages);
      const crops = cropStore({ dir, ...c.opts });
      assert.deepEqual(await crops.purge(c.now ?? START), c.result);
      assert.deepEqual(files(dir), c.left);
      assert.equal(crops.stats().purged, c.result.removedOld + c.result.removedOverLimit);
    });
  }

  test('start() purges; a missing directory is created and is empty', async () => {
    const dir = seed({ 'old.jpg': 100, 'new.jpg': 1 });
    const crops = cropStore({ dir });
    await crops.start();
    assert.deepEqual(files(dir), ['new.jpg']);
    await crops.stop();
    const gone = cropStore({ dir: join(tmp.dir, 'never-made') });
    assert.deepEqual(await gone.purge(START), { removedOld: 0, removedOverLimit: 0, kept: 0 });
  });

  test('saving beyond maxFiles drops the oldest crop at once; an operator rm of the directory is harmless', async () => {
    const dir = seed({ 'old1.jpg': 3, 'old2.jpg': 2 });
    const crops = cropStore({ dir, maxFiles: 2 });
    await crops.start();
    const view = {
      image: { data: new Uint8Array(32 * 32 * 3).fill(128), width: 32, height: 32 },
      box: { x: 8, y: 8, width: 16, height: 16 },
      score: 0.9,
      ts: START,
    };
    const ev = (id: string): IdentityEvent => ({
      eventId: id,
      source: 'face',
      studentId: null,
      rawId: 'face:unknown',
      gateId: 'G1',
      hallId: 'H1',
      direction: 'enter',
      ts: START,
      confidence: 0.1,
    });
    crops.save(ev('G1:face:t-1:1'), view);
    crops.save({ ...ev('G1:face:t-2:2'), studentId: 'S100', rawId: 'face:S100' }, view);
    await crops.drain();
    assert.deepEqual(files(dir), ['G1:face:t-1:1.jpg', 'old2.jpg']);

    rmSync(dir, { recursive: true });
    crops.save(ev('G1:face:t-3:3'), view);
    await crops.drain();
    assert.deepEqual(files(dir), ['G1:face:t-3:3.jpg']);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual(crops.stats(), { saved: 2, failed: 0, purged: 1 });
    await crops.stop();
  });
});
