import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { importFile } from '../../gateway/importer/importData.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
let n = 0;
function setup(): LocalStore {
  return LocalStore.open(join(dir, `s${n++}.db`), 0);
}
function file(name: string, text: string): string {
  const p = join(dir, `${n}-${name}`);
  writeFileSync(p, text);
  return p;
}

describe('import', () => {
  it('keeps valid roster rows and reports bad ones by line and reason', () => {
    const store = setup();
    const f = file(
      'roster.csv',
      'student_id,name,card_uid\nS1,Ann,0a1b2c3d4e\n\nS2,"Bo, B",not-hex\nS3,Cy,\nS4,Dup,0A1B2C3D4E\n,,\nS5,E,1234,extra\nS6,Fay,FFEE001122\n',
    );
    const r = importFile(store, 'roster', f, 1);
    assert.equal(r.imported, 3);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [4, 6, 7, 8],
    );
    assert.match(r.errors[0]!.reason, /carduid: 4 to 20 hex digits/);
    assert.match(r.errors[1]!.reason, /already belongs to student S1/);
    assert.match(r.errors[2]!.reason, /studentid: missing/);
    assert.match(r.errors[3]!.reason, /more fields/);
    assert.equal(store.studentByCard('0A1B2C3D4E'), 'S1');
    assert.equal(store.studentByCard('FFEE001122'), 'S6');
    assert.ok(store.studentExists('S3'));
    assert.ok(!store.studentExists('S2'));
    store.close();
  });

  it('imports JSON arrays with either key style', () => {
    const store = setup();
    const f = file(
      'roster.json',
      JSON.stringify([{ studentId: 'S1', cardUid: 'ABCDEF0123' }, { student_id: 'S2' }, 'nope']),
    );
    const r = importFile(store, 'roster', f, 1);
    assert.equal(r.imported, 2);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [3],
    );
    store.close();
  });

  it('rejects enrolments of unknown students and keeps the rest', () => {
    const store = setup();
    importFile(store, 'roster', file('r.csv', 'student_id\nS1\n'), 1);
    const r = importFile(
      store,
      'enrolments',
      file('e.csv', 'student_id,course_id\nS1,C101\nS9,C101\nS1,\n'),
      1,
    );
    assert.equal(r.imported, 1);
    assert.match(r.errors[0]!.reason, /unknown student S9/);
    assert.match(r.errors[1]!.reason, /courseid: missing/);
    assert.deepEqual(store.enrolledCourseIds('S1'), ['C101']);
    store.close();
  });

  it('validates timetable times and order', () => {
    const store = setup();
    const r = importFile(
      store,
      'timetable',
      file(
        't.csv',
        'session_id,course_id,hall_id,start,end\nL1,C101,HALL-A,2026-03-19T09:00:00Z,2026-03-19T10:30:00Z\nL2,C101,HALL-A,2026-03-19 09:00,2026-03-19T10:30:00Z\nL3,C101,HALL-A,2026-03-19T11:00:00Z,2026-03-19T10:30:00Z\n',
      ),
      1,
    );
    assert.equal(r.imported, 1);
    assert.match(r.errors[0]!.reason, /ISO 8601/);
    assert.match(r.errors[1]!.reason, /end must be after start/);
    const sessions = store.sessionsOfDay('2026-03-19');
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.start, Date.parse('2026-03-19T09:00:00Z'));
    store.close();
  });

  it('takes per-course threshold overrides and refuses unknown thresholds', () => {
    const store = setup();
    const r = importFile(
      store,
      'courses',
      file(
        'c.json',
        JSON.stringify([
          { course_id: 'C101', name: 'Intro', overrides: { graceSec: 60 } },
          { course_id: 'C102', overrides: { bogus: 1 } },
        ]),
      ),
      1,
    );
    assert.equal(r.imported, 1);
    assert.match(r.errors[0]!.reason, /bogus/);
    assert.deepEqual(store.courseOverrides(), { C101: { graceSec: 60 } });
    store.close();
  });

  it('fails clearly on an unreadable or unparsable file', () => {
    const store = setup();
    assert.throws(() => importFile(store, 'roster', join(dir, 'nope.csv'), 1), { code: 'IMPORT_UNREADABLE' });
    assert.throws(() => importFile(store, 'roster', file('bad.json', '[{"a":'), 1), { code: 'IMPORT_PARSE' });
    store.close();
  });
});
