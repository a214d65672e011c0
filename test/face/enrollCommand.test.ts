import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { enrollCommand } from '../../gateway/cli/enrollCommand.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { samplePath, tempDir } from './helpers.ts';
import { enrolmentCrop, findPeople } from './variants.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

/** Runs the command with console output captured. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  const err = console.error;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    return { code: await enrollCommand.run(args), out: lines.join('\n') };
  } finally {
    console.log = log;
    console.error = err;
  }
}

test('hallgate enroll: store, reject, list, remove', async () => {
  const engine = new OnnxFaceEngine();
  await engine.load();
  const [p] = await findPeople(engine);
  await engine.close();
  const photo = join(tmp.dir, 'me.jpg');
  writeFileSync(photo, await enrolmentCrop(p!));
  const db = join(tmp.dir, 'gw.db');

  const ok = await run(['--db', db, '--engine', 'onnx', '--student', 'S1', photo]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /1 embedding\(s\) stored/);

  const bad = await run(['--db', db, '--student', 'S2', photo, samplePath(1)]);
  assert.equal(bad.code, 1);
  assert.match(bad.out, /ENROLL_SEVERAL_FACES/);

  const list = await run(['--db', db, '--list']);
  assert.match(list.out, /onnx\s+faceplugin\S+\s+1\s+1/);

  const rm = await run(['--db', db, '--remove', 'S1']);
  assert.equal(rm.code, 0);
  assert.match(rm.out, /removed 1 face embedding of student S1/);
  const conn = new Database(db, { readonly: true });
  assert.equal((conn.prepare('SELECT COUNT(*) AS n FROM face_embeddings').get() as { n: number }).n, 0);
  conn.close();

  assert.equal((await run(['--db', db])).code, 2);
  assert.equal((await run(['--db', db, '--student', 'S1'])).code, 2);
  assert.equal((await run(['--db', db, '--engine', 'magic', '--student', 'S1', photo])).code, 2);
});
