import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.ts';
import { enrollStudent } from '../../gateway/face/enroll.ts';
import { Gallery } from '../../gateway/store/galleryTable.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { migrate } from '../../gateway/store/migrate.ts';
import { samplePath, tempDir } from './helpers.ts';
import { enrolmentCrop, findPeople, type Person } from './variants.ts';

const tmp = tempDir();
const engine = new OnnxFaceEngine();
let people: Person[] = [];
let db: Database.Database;
let gallery: Gallery;
const clock = new ManualClock(Date.UTC(2025, 0, 6, 8));

before(async () => {
  await engine.load();
  people = (await findPeople(engine)).slice(0, 3);
  db = new Database(join(tmp.dir, 'store.db'));
  migrate(db);
  gallery = new Gallery(db);
});
after(async () => {
  db.close();
  await engine.close();
  tmp.cleanup();
});

async function photo(name: string, bytes: Buffer | Promise<Buffer>): Promise<string> {
  const file = join(tmp.dir, name);
  writeFileSync(file, await bytes);
  return file;
}

test('enrolment stores embeddings with engine and model version, reports quality, never the photo', async () => {
  const a = await photo('a.jpg', enrolmentCrop(people[0]!));
  const a2 = await photo('a2.jpg', sharp(a).flop().jpeg().toBuffer());
  const r = await enrollStudent({ engine, gallery, clock }, 'S1', [a, a2]);
  assert.equal(r.ok, true);
  assert.equal(r.stored, 2);
  for (const p of r.photos) {
    assert.ok(p.detScore! > 0.9);
    assert.ok(p.facePx! > 100);
  }
  const row = db
    .prepare(
      'SELECT engine, model_version, dim, length(vector) AS len FROM face_embeddings WHERE student_id = ?',
    )
    .get('S1');
  assert.deepEqual(row, { engine: 'onnx', model_version: engine.modelVersion, dim: 512, len: 2048 });
  const loaded = gallery.load('onnx', engine.modelVersion);
  assert.equal(loaded.get('S1')?.length, 2);
  // another engine or model version sees nothing
  assert.equal(gallery.load('faceapi', engine.modelVersion).size, 0);
  assert.equal(gallery.load('onnx', 'other-version').size, 0);
  // the same photo again adds nothing
  const again = await enrollStudent({ engine, gallery, clock }, 'S1', [a]);
  assert.equal(again.ok, true);
  assert.equal(again.stored, 0);
  // no image bytes anywhere in the database
  const cols = db.prepare("SELECT name FROM pragma_table_info('face_embeddings')").all() as {
    name: string;
  }[];
  assert.deepEqual(
    cols.map((c) => c.name).filter((n) => /photo|image|jpeg/.test(n)),
    ['photo_tag'],
  );
});

test('bad photos: each gets a clear error and nothing is stored', async () => {
  const good = await photo('good.jpg', enrolmentCrop(people[1]!));
  const cases: { name: string; file: () => Promise<string>; code: string }[] = [
    {
      name: 'unreadable',
      file: () => photo('junk.jpg', Buffer.from('this is not a jpeg')),
      code: 'ENROLL_UNREADABLE',
    },
    {
      name: 'missing file',
      file: () => Promise.resolve(join(tmp.dir, 'nope.jpg')),
      code: 'ENROLL_UNREADABLE',
    },
    {
      name: 'no face',
      file: () =>
        photo(
          'wall.jpg',
          sharp({ create: { width: 400, height: 300, channels: 3, background: '#8a7f70' } })
            .jpeg()
            .toBuffer(),
        ),
      code: 'ENROLL_NO_FACE',
    },
    { name: 'several faces', file: () => Promise.resolve(samplePath(1)), code: 'ENROLL_SEVERAL_FACES' },
    {
      name: 'too small',
      file: () => photo('small.jpg', sharp(good).resize(60).jpeg().toBuffer()),
      code: 'ENROLL_FACE_TOO_SMALL',
    },
  ];
  for (const c of cases) {
    const r = await enrollStudent({ engine, gallery, clock }, 'S2', [good, await c.file()]);
    assert.equal(r.ok, false, c.name);
    assert.equal(r.stored, 0, c.name);
    assert.equal(r.photos[0]!.ok, true, c.name);
    assert.equal(r.photos[1]!.code, c.code, c.name);
    assert.ok(r.photos[1]!.message, c.name);
  }
  assert.equal(gallery.load('onnx', engine.modelVersion).has('S2'), false);
});

test('remove deletes every embedding of the student', async () => {
  const b = await photo('b.jpg', enrolmentCrop(people[2]!));
  assert.equal((await enrollStudent({ engine, gallery, clock }, 'S3', [b])).stored, 1);
  assert.ok(gallery.remove('S3') >= 1);
  assert.equal(gallery.load('onnx', engine.modelVersion).has('S3'), false);
  assert.equal(gallery.remove('S3'), 0);
  assert.ok(gallery.summary().every((s) => s.students >= 1));
});

test('a face whose detector score is below the floor is refused (ENROLL_LOW_SCORE), at the floor accepted', async () => {
  const file = await photo('floor.jpg', enrolmentCrop(people[1]!));
  const first = await enrollStudent({ engine, gallery, clock }, 'S-floor', [file], { minDetScore: 1.01 });
  assert.equal(first.ok, false);
  assert.equal(first.stored, 0);
  const p = first.photos[0]!;
  assert.equal(p.code, 'ENROLL_LOW_SCORE');
  assert.match(p.message!, /detector score 0\.\d{3} is below 1\.01/);
  const score = p.detScore!;
  const above = await enrollStudent({ engine, gallery, clock }, 'S-floor', [file], {
    minDetScore: score + 1e-6,
  });
  assert.equal(above.photos[0]!.code, 'ENROLL_LOW_SCORE');
  const at = await enrollStudent({ engine, gallery, clock }, 'S-floor', [file], { minDetScore: score });
  assert.equal(at.ok, true);
  // the engine's own floor applies by default
  assert.equal(engine.matchDefaults.minEnrolScore, 0.7);
});
