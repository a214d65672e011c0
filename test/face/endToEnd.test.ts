import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentityEvent } from '../../rules/types.ts';
import { defaultThresholds } from '../../rules/defaultThresholds.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { FfmpegFrameSource } from '../../gateway/camera/ffmpegFrameSource.ts';
import { enrollStudent } from '../../gateway/face/enroll.ts';
import { FaceRecognizer } from '../../gateway/face/faceRecognizer.ts';
import { Matcher } from '../../gateway/face/matcher.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { IngestPipeline } from '../../gateway/pipeline/ingestPipeline.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { RosterBloom } from '../../gateway/validation/rosterBloom.ts';
import { UniqueCounter } from '../../gateway/validation/uniqueCounter.ts';
import { tempDir } from './helpers.ts';
import { enrolmentCrop, findPeople } from './variants.ts';
import { walkInVideo } from './walkInVideo.ts';

const tmp = tempDir('hallgate-face-e2e-');
const engine = new OnnxFaceEngine();
after(async () => {
  await engine.close();
  tmp.cleanup();
});
before(() => engine.load());

const START = Date.UTC(2025, 0, 6, 9, 0);

test('video of an enrolled student -> frame source -> recogniser -> one face event per track -> SQLite, classified', async () => {
  const people = await findPeople(engine);
  const person = people.find((p) => p.id === 's5p2')!;
  const other = people.find((p) => p.id === 's5p3')!;

  // store with a roster and a session in hall H1 now
  const store = LocalStore.open(join(tmp.dir, 'gateway.db'), START);
  try {
    store.upsertStudent({ studentId: 'S100', name: 'Enrolled', cardUid: 'CARD100' }, START);
    store.upsertCourse({ courseId: 'C1', name: 'Course', overrides: {} });
    store.upsertEnrolment('S100', 'C1');
    store.upsertHall('H1');
    store.upsertSession({
      sessionId: 'C1-a',
      courseId: 'C1',
      hallId: 'H1',
      start: START,
      end: START + 90 * 60_000,
    });

    // enrol from one still crop
    const photo = join(tmp.dir, 'enrol.jpg');
    writeFileSync(photo, await enrolmentCrop(person));
    const gallery = store.gallery;
    const clock = new ManualClock(START + 2 * 60_000);
    const enrolled = await enrollStudent({ engine, gallery, clock }, 'S100', [photo]);
    assert.equal(enrolled.ok, true, JSON.stringify(enrolled.photos));

    // a 3 s clip: the group photo region around the student and a neighbour (not enrolled),
    // the camera panning right and zooming in
    const video = await walkInVideo(tmp.dir, person, other);

    const source = new FfmpegFrameSource(
      { input: video, width: 640, height: 480, fps: 10, realtime: true, restartOnEnd: false },
      { clock, log: silentLogger() },
    );
    const matcher = new Matcher(gallery.load(engine.name, engine.modelVersion), engine.matchDefaults);
    const recognizer = new FaceRecognizer(
      {
        gateId: 'G1',
        hallId: 'H1',
        direction: 'enter',
        candidates: () => new Set(store.enrolledStudentIds('C1')),
      },
      { source, engine, matcher, clock, log: silentLogger() },
    );
    const pipeline = new IngestPipeline({
      store,
      bloom: new RosterBloom(0.01),
      counter: new UniqueCounter(store, 12),
      thresholds: { ...defaultThresholds, faceMinConfidence: engine.matchDefaults.threshold },
      clock,
      log: silentLogger(),
      faceFusion: true,
    });
    const events: IdentityEvent[] = [];
    const results: string[] = [];
    recognizer.events.on('identity', (ev) => {
      events.push(ev);
      results.push(pipeline.ingest({ kind: 'face', event: ev }).kind);
    });
    const ended = new Promise<void>((resolve) =>
      source.events.on('state', (s) => s.state === 'ended' && resolve()),
    );
    await recognizer.start();
    await source.start();
    await ended;
    await recognizer.drain();
    await recognizer.stop();
    await source.stop();

    const stats = recognizer.stats();
    console.log(
      `[face-e2e] frames in=${source.stats().framesIn} processed=${stats.framesProcessed} dropped=${stats.framesDropped} ` +
        `events=${events.map((e) => `${e.studentId ?? 'unknown'}@${e.confidence!.toFixed(2)}/${e.trackId}`).join(', ')}`,
    );
    assert.ok(stats.framesProcessed >= 5, JSON.stringify(stats));
    const mine = events.filter((e) => e.studentId === 'S100');
    assert.equal(mine.length, 1, `one event for the enrolled student: ${JSON.stringify(events)}`);
    const ev = mine[0]!;
    assert.equal(ev.source, 'face');
    assert.equal(ev.rawId, 'face:S100');
    assert.equal(ev.gateId, 'G1');
    assert.equal(ev.hallId, 'H1');
    assert.ok(ev.confidence! >= engine.matchDefaults.threshold);
    // one event per track, unique ids; anyone else is an unknown face
    assert.equal(new Set(events.map((e) => e.trackId)).size, events.length);
    assert.equal(new Set(events.map((e) => e.eventId)).size, events.length);
    for (const e of events.filter((x) => x !== ev)) {
      assert.equal(e.studentId, null);
      assert.equal(e.rawId, 'face:unknown');
    }

    // it reached SQLite and was classified
    assert.equal(results[events.indexOf(ev)], 'accepted');
    const row = store.db
      .prepare('SELECT source, student_id, track_id, confidence FROM events WHERE event_id = ?')
      .get(ev.eventId) as
      { source: string; student_id: string; track_id: string; confidence: number } | undefined;
    assert.deepEqual(row && { source: row.source, student: row.student_id, track: row.track_id }, {
      source: 'face',
      student: 'S100',
      track: ev.trackId,
    });
    const record = store.getRecord('S100', 'C1-a');
    assert.ok(record, 'attendance record written');
    assert.ok(record.eventIds.includes(ev.eventId));
    assert.notEqual(record.status, 'absent');
    console.log(`[face-e2e] record S100/C1-a: ${record.status} flags=${record.flags.join(',')}`);
    const unknownRows = store.db
      .prepare("SELECT COUNT(*) AS n FROM invalid_attempts WHERE reason = 'unknown_face'")
      .get() as { n: number };
    assert.equal(unknownRows.n, events.length - 1);
  } finally {
    store.close();
  }
});
