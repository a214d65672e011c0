import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { importFile } from '../../gateway/importer/importData.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
let n = 0;

/** A roster of `rows` students (header on line 1, student i on line i + 1); `edit` changes lines by number. */
function roster(rows: number, edit: (line: number, text: string) => string = (_l, t) => t): string {
  const lines = ['student_id,name,card_uid'];
  for (let i = 1; i <= rows; i++) {
    const line = i + 1;
    lines.push(edit(line, `S${i},Student ${i},${(0xa000_0000 + i).toString(16).toUpperCase()}`));
  }
  const p = join(dir, `roster-${n++}.csv`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

function countStudents(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT COUNT(*) AS n FROM students').pluck().get() as number;
  } finally {
    d.close();
  }
}

describe('imports keep the good rows', () => {
  it('a 200-row roster with one stray quote imports 199 rows, names line 102, exits non-zero (CLI)', async () => {
    const file = roster(200, (line, t) => (line === 102 ? t.replace('Student 101', 'Student "101') : t));
    const db = join(dir, 'cli.db');
    const r = await runCli(['import', 'roster', file, '--db', db], { LOG_LEVEL: 'silent' });
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /imported 199 row\(s\)/, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:102: .*quote`), r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(countStudents(db), 199);
  });

  it('an unterminated quote costs only the line it opens on, and says so', () => {
    const file = roster(50, (line, t) => (line === 20 ? t.replace('Student 19', '"Student 19') : t));
    const store = LocalStore.open(join(dir, `s${n++}.db`), 0);
    const r = importFile(store, 'roster', file, 1);
    assert.equal(r.imported, 49);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [20],
    );
    assert.match(r.errors[0]!.reason, /quote/);
    assert.ok(store.studentExists('S20') && store.studentExists('S50') && !store.studentExists('S19'));
    store.close();
  });

  it('a quote closed in the middle of a field costs that line only', () => {
    const file = roster(30, (line, t) => (line === 5 ? t.replace('Student 4', '"Student" 4') : t));
    const store = LocalStore.open(join(dir, `s${n++}.db`), 0);
    const r = importFile(store, 'roster', file, 1);
    assert.equal(r.imported, 29);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [5],
    );
    store.close();
  });

  it('quoted fields with commas and doubled quotes still import', () => {
    const p = join(dir, `q${n++}.csv`);
    writeFileSync(p, 'student_id,name\r\nS1,"Bo, ""B"""\r\n  S2 , "Cy" \r\n');
    const store = LocalStore.open(join(dir, `s${n++}.db`), 0);
    const r = importFile(store, 'roster', p, 1);
    assert.deepEqual(r.errors, []);
    assert.equal(r.imported, 2);
    const name = store.db.prepare("SELECT name FROM students WHERE student_id = 'S1'").pluck().get();
    assert.equal(name, 'Bo, "B"');
    assert.ok(store.studentExists('S2'));
    store.close();
  });

  it('a CSV missing a required column is rejected at once, naming the column (CLI)', async () => {
    const p = join(dir, `nocol${n++}.csv`);
    writeFileSync(
      p,
      'name,card_uid\n' + Array.from({ length: 50 }, (_, i) => `N${i},${1000 + i}`).join('\n'),
    );
    const r = await runCli(['import', 'roster', p, '--db', join(dir, 'nocol.db')], { LOG_LEVEL: 'silent' });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /missing column student_id/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('names every missing column of a timetable', () => {
    const p = join(dir, `tt${n++}.csv`);
    writeFileSync(p, 'session_id,course_id,start\nX,C,2026-01-01T09:00:00Z\n');
    const store = LocalStore.open(join(dir, `s${n++}.db`), 0);
    assert.throws(() => importFile(store, 'timetable', p, 1), {
      code: 'IMPORT_MISSING_COLUMN',
      message: /missing columns hall_id, end/,
    });
    store.close();
  });

  it('a duplicate student id within one file is reported, and the first row kept', () => {
    const file = roster(10, (line, t) => (line === 8 ? 'S3,Someone Else,ABCDEF01' : t));
    const store = LocalStore.open(join(dir, `s${n++}.db`), 0);
    const r = importFile(store, 'roster', file, 1);
    assert.equal(r.imported, 9);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [8],
    );
    assert.match(r.errors[0]!.reason, /duplicate student_id S3 \(first on line 4\)/);
    const name = store.db.prepare("SELECT name FROM students WHERE student_id = 'S3'").pluck().get();
    assert.equal(name, 'Student 3');
    store.close();
  });
});
