import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { enrolmentCrop, findPeople } from '../face/variants.ts';
import { walkInVideo } from '../face/walkInVideo.ts';
import { runCli, startCli, waitFor } from '../helpers/cli.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

/**
 * The daemon as installed: a badge reader on a real pty and a camera on an
 * ffmpeg video, both at gate HALL-A-IN. S100 is enrolled by face; S200 only
 * has a badge. The rule engine must see the badge and the face together.
 */
describe('end to end: badge and face at one gate, fused by the rule engine', () => {
  const dir = tempDir();
  let video = '';
  let photo = '';
  const engine = new OnnxFaceEngine();
  before(async () => {
    await engine.load();
    const people = await findPeople(engine);
    const person = people.find((p) => p.id === 's5p2')!;
    const other = people.find((p) => p.id === 's5p3')!;
    photo = join(dir, 'enrol.jpg');
    writeFileSync(photo, await enrolmentCrop(person));
    video = await walkInVideo(dir, person, other);
    await engine.close();
  });

  async function runHall(name: string, badgeOf: 'S100' | 'S200'): Promise<{ db: string; cfgPath: string }> {
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, `${name}.db`);
    const cfgPath = join(dir, `${name}.yaml`);
    const now = Date.now();
    writeFileSync(
      join(dir, `${name}-roster.csv`),
      'student_id,name,card_uid\nS100,Face Enrolled,00000000A1\nS200,Badge Only,00000000B2\n',
    );
    writeFileSync(join(dir, `${name}-enrol.csv`), 'student_id,course_id\nS100,C1\nS200,C1\n');
    writeFileSync(
      join(dir, `${name}-tt.csv`),
      `session_id,course_id,hall_id,start,end\nC1-now,C1,HALL-A,${new Date(now - 60_000).toISOString()},${new Date(now + 90 * 60_000).toISOString()}\n`,
    );
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-face, hallId: HALL-A }',
        `store: { path: ${db} }`,
        'watchdog: { sweepSec: 1 }',
        'thresholds: { faceMinConfidence: 0.45, pairingWindowSec: 30 }',
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: enter, debounceMs: 0 }`,
        `camera: { enabled: true, input: ${video}, gateId: HALL-A-IN, direction: enter, fps: 10 }`,
      ].join('\n'),
    );
    for (const [kind, f] of [
      ['roster', 'roster'],
      ['enrolments', 'enrol'],
      ['timetable', 'tt'],
    ] as const) {
      const r = await runCli(['import', kind, join(dir, `${name}-${f}.csv`), '--config', cfgPath]);
      assert.equal(r.code, 0, r.stderr);
    }
    const enrolled = await runCli(['enroll', '--student', 'S100', photo, '--config', cfgPath]);
    assert.equal(enrolled.code, 0, enrolled.stdout + enrolled.stderr);

    const daemon = await startCli(
      ['run', '--config', cfgPath],
      /camera running/,
      { LOG_LEVEL: 'info' },
      120_000,
    );
    const exited = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));
    const fd = openSync(pty.writerPath, 'w');
    writeSync(fd, encodeEm4100(badgeOf === 'S100' ? '00000000A1' : '00000000B2'));
    closeSync(fd);
    const ro = new Database(db, { readonly: true });
    const count = (sql: string): number => (ro.prepare(sql).get() as { n: number }).n;
    await waitFor(
      () =>
        count("SELECT COUNT(*) n FROM events WHERE source = 'face' AND student_id = 'S100'") >= 1 &&
        count("SELECT COUNT(*) n FROM events WHERE source = 'rfid'") >= 1,
      'a face event and a badge event',
      90_000,
    );
    ro.close();
    daemon.child.kill('SIGTERM');
    assert.equal(await exited, 0, daemon.output());
    return { db, cfgPath };
  }

  type Rec = { studentId: string; status: string; flags: string[] };
  const recordsOf = async (cfgPath: string): Promise<Rec[]> =>
    JSON.parse((await runCli(['records', '--config', cfgPath, '--json'])).stdout) as Rec[];

  it('a badge confirmed by the same face is verified', async () => {
    const { cfgPath } = await runHall('verified', 'S100');
    const s100 = (await recordsOf(cfgPath)).find((r) => r.studentId === 'S100');
    assert.ok(s100, 'S100 has a record');
    assert.ok(s100.flags.includes('verified'), JSON.stringify(s100));
  });

  it("a badge of one student with another student's face at the gate goes to review as a possible proxy", async () => {
    const { cfgPath } = await runHall('proxy', 'S200');
    const recs = await recordsOf(cfgPath);
    const s200 = recs.find((r) => r.studentId === 'S200');
    assert.ok(s200, 'S200 has a record');
    assert.equal(s200.status, 'review', JSON.stringify(s200));
    assert.ok(s200.flags.includes('card_face_mismatch'), JSON.stringify(s200));
    const review = await runCli(['review', 'list', '--config', cfgPath]);
    assert.match(review.stdout, /S200\/C1-now/);
  });
});
