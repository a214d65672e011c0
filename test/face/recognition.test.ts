import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.ts';
import { decodeImage } from '../../gateway/face/decodeImage.ts';
import { enrollStudent } from '../../gateway/face/enroll.ts';
import { FaceApiEngine } from '../../gateway/face/faceApiEngine.ts';
import type { FaceEngine } from '../../gateway/face/faceEngine.ts';
import { ENGINE_MATCH } from '../../gateway/face/faceThreshold.ts';
import type { GalleryVectors } from '../../gateway/face/gallery.ts';
import { Gallery } from '../../gateway/store/galleryTable.ts';
import { Matcher } from '../../gateway/face/matcher.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { migrate } from '../../gateway/store/migrate.ts';
import { calibrate, SAFETY_BAND, type Calibration } from './calibration.ts';
import { tempDir } from './helpers.ts';
import {
  ALL_VARIANTS,
  enrolmentCrop,
  findPeople,
  identityOf,
  variant,
  type Person,
  type VariantName,
} from './variants.ts';

interface Probe {
  personId: string;
  variant: VariantName;
  embedding: Float32Array | null;
}

interface Metrics {
  probes: number;
  rank1: number;
  genuineAccept: number;
  falseAccept: number;
  impostorProbes: number;
  undetected: number;
  /** Identities the engine could not enrol from their crop (their probes count as misses). */
  enrolFailures: number;
}

/**
 * Enrols every identity from one crop, embeds every variant of every face,
 * then scores:
 * - closed set (all enrolled): rank-1 = best identity is the right one;
 *   genuine accept = matched (threshold + margin) to the right one;
 * - open set (only every other identity enrolled): probes of the others
 *   that match anyone are false accepts.
 */
async function evaluate(
  engine: FaceEngine,
  people: Person[],
  variants: VariantName[],
  threshold: number,
  margin: number,
  dir: string,
): Promise<Metrics & { probeList: Probe[]; gallery: GalleryVectors }> {
  const db = new Database(join(dir, `${engine.name}.db`));
  try {
    migrate(db);
    const gallery = new Gallery(db);
    const clock = new ManualClock(Date.UTC(2025, 0, 6, 8));
    const identities = [...new Set(people.map((p) => identityOf(p.id)))];
    const enrolFailed: string[] = [];
    for (const p of people.filter((q) => identityOf(q.id) === q.id)) {
      const file = join(dir, `${engine.name}-${p.id}.jpg`);
      writeFileSync(file, await enrolmentCrop(p));
      const r = await enrollStudent({ engine, gallery, clock }, p.id, [file], { minFacePx: 60 });
      if (!r.ok) enrolFailed.push(`${p.id} (${r.photos[0]?.code})`);
    }
    if (enrolFailed.length) console.log(`${engine.name} could not enrol: ${enrolFailed.join(', ')}`);
    const probes: Probe[] = [];
    for (const p of people) {
      for (const v of variants) {
        const img = await decodeImage(await variant(p, v));
        const faces = await engine.detect(img);
        // the person in the middle of the view: largest face
        const face = faces.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0];
        probes.push({ personId: p.id, variant: v, embedding: face ? await engine.embed(img, face) : null });
      }
    }
    const all = gallery.load(engine.name, engine.modelVersion);
    assert.equal(all.size, identities.length - enrolFailed.length);
    const closed = new Matcher(all, { threshold, margin });
    const enrolledHalf = new Set(identities.filter((_, i) => i % 2 === 0));
    const open = new Matcher(new Map([...all].filter(([id]) => enrolledHalf.has(id))), { threshold, margin });
    const m: Metrics = {
      probes: probes.length,
      rank1: 0,
      genuineAccept: 0,
      falseAccept: 0,
      impostorProbes: 0,
      undetected: 0,
      enrolFailures: enrolFailed.length,
    };
    const misses: string[] = [];
    for (const pr of probes) {
      const truth = identityOf(pr.personId);
      const impostor = !enrolledHalf.has(truth);
      if (impostor) m.impostorProbes++;
      if (!pr.embedding) {
        m.undetected++;
        misses.push(`${pr.personId}/${pr.variant}: no face`);
        continue;
      }
      const r = closed.match(pr.embedding);
      if (r.bestId === truth) m.rank1++;
      else misses.push(`${pr.personId}/${pr.variant}: best ${r.bestId} ${r.score.toFixed(2)}`);
      if (r.studentId === truth) m.genuineAccept++;
      const fa = impostor ? open.match(pr.embedding).studentId : null;
      if (fa !== null) {
        m.falseAccept++;
        misses.push(`${pr.personId}/${pr.variant}: false accept as ${fa}`);
      }
    }
    if (misses.length) console.log(`${engine.name} misses: ${misses.join('; ')}`);
    return { ...m, probeList: probes, gallery: all };
  } finally {
    db.close();
  }
}

function reportCalibration(name: string, c: Calibration, margin: number): void {
  console.log(
    `[face-calibration] engine=${name} heldOut=${c.heldOut.join(',')} impostorMax=${c.impostorMax.toFixed(3)} ` +
      `threshold=${c.threshold} margin=${margin} calibrationFalseAccept=${c.calibrationFalseAccepts}/${c.calibrationImpostors} ` +
      `heldOutFalseAccept=${c.heldOutFalseAccepts}/${c.heldOutProbes}`,
  );
}

/** The engine's shipped threshold is what calibration gives, and it accepts no impostor, held-out ones included. */
function assertCalibrated(
  name: 'onnx' | 'faceapi',
  m: { probeList: Probe[]; gallery: GalleryVectors },
): void {
  const { threshold, margin } = ENGINE_MATCH[name];
  const c = calibrate(m.probeList, m.gallery, margin, SAFETY_BAND[name]!);
  reportCalibration(name, c, margin);
  assert.equal(c.threshold, threshold, `ENGINE_MATCH.${name}.threshold is the calibrated value`);
  assert.equal(c.calibrationFalseAccepts, 0);
  assert.equal(c.heldOutFalseAccepts, 0, 'no held-out identity is accepted');
}

function report(name: string, m: Metrics, threshold: number, margin: number): void {
  const pct = (n: number, d: number): string => `${((100 * n) / d).toFixed(1)}%`;
  console.log(
    `[face-recognition] engine=${name} probes=${m.probes} rank1=${pct(m.rank1, m.probes)} ` +
      `genuineAccept=${pct(m.genuineAccept, m.probes)} falseAccept=${pct(m.falseAccept, m.impostorProbes)} (${m.falseAccept}/${m.impostorProbes}) ` +
      `undetected=${m.undetected} enrolFailures=${m.enrolFailures} threshold=${threshold} margin=${margin}`,
  );
}

describe('recognition on the sample photos (22 people, transformed views)', () => {
  const tmp = tempDir();
  let people: Person[] = [];
  const onnx = new OnnxFaceEngine();

  before(async () => {
    await onnx.load();
    people = await findPeople(onnx);
  });
  after(async () => {
    await onnx.close();
    tmp.cleanup();
  });

  test('onnx engine (default): rank-1 and false-accept rate', async () => {
    assert.equal(people.length, 22);
    assert.equal(new Set(people.map((p) => identityOf(p.id))).size, 21);
    const threshold = onnx.matchDefaults.threshold;
    const margin = onnx.matchDefaults.margin;
    const m = await evaluate(onnx, people, ALL_VARIANTS, threshold, margin, tmp.dir);
    report('onnx', m, threshold, margin);
    assert.equal(m.enrolFailures, 0);
    assert.ok(m.rank1 / m.probes >= 0.9, 'rank-1 accuracy at least 90%');
    assert.ok(m.falseAccept / m.impostorProbes <= 0.05, 'false-accept rate at most 5%');
    assertCalibrated('onnx', m);
  });

  test('face-api engine (subset of variants): rank-1 and false-accept rate', async () => {
    const engine = new FaceApiEngine();
    await engine.load();
    try {
      const threshold = engine.matchDefaults.threshold;
      const margin = engine.matchDefaults.margin;
      const m = await evaluate(
        engine,
        people,
        ['mirror', 'scale0.7', 'jpeg-q25'],
        threshold,
        margin,
        tmp.dir,
      );
      report('faceapi', m, threshold, margin);
      assertCalibrated('faceapi', m);
      // reported, not held to the default engine's bar
      assert.ok(m.rank1 / m.probes >= 0.5);
    } finally {
      await engine.close();
    }
  });
});
