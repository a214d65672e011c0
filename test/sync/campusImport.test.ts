import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { importCampus } from '../../sync/campus/campusImport.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('central import (CSV/JSON, row-level errors, good rows kept)', () => {
  const store = new SqliteCampusStore(join(tempDir(), 'central.db'));
  before(() => store.start());
  after(() => store.stop());

  it('imports a roster, reporting each bad row by line and reason', async () => {
    const csv = [
      'student_id,name,card_uid',
      'S1,"Lovelace, Ada",cafe01',
      'S2,Bob,zz',
      'S3,Cy,CAFE01',
      ',NoId,BEEF01',
      'S4,Dee,BEEF04,extra',
      'S5,Eve,',
    ].join('\n');
    const r = await importCampus(store, 'roster', csv, 'roster.csv');
    assert.deepEqual(r, {
      kind: 'roster',
      imported: 2,
      errors: [
        { line: 3, reason: 'carduid: 4 to 20 hex digits' },
        { line: 4, reason: 'card_uid CAFE01 already belongs to student S1' },
        { line: 5, reason: 'studentid: missing' },
        { line: 6, reason: 'more fields than the header names' },
      ],
    });
    assert.deepEqual(await store.student('S1'), {
      studentId: 'S1',
      name: 'Lovelace, Ada',
      cardUids: ['CAFE01'],
    });
    assert.deepEqual(await store.student('S5'), { studentId: 'S5', name: 'Eve', cardUids: [] });
    assert.equal(await store.student('S2'), null);
  });

  it('imports enrolments of known students only, creating missing courses', async () => {
    const json = JSON.stringify([
      { studentId: 'S1', courseId: 'CS101' },
      { studentId: 'S9', courseId: 'CS101' },
      { studentId: 'S5', courseId: 'MA 201' },
      { studentId: 'S5', courseId: 'CS101' },
    ]);
    const r = await importCampus(store, 'enrolments', json, 'upload.json');
    assert.deepEqual(r.errors, [
      { line: 2, reason: 'unknown student S9 (import the roster first)' },
      { line: 3, reason: 'courseid: letters, digits, _ . : - only' },
    ]);
    assert.equal(r.imported, 2);
    assert.deepEqual(await store.enrolledStudents('CS101'), ['S1', 'S5']);
    assert.deepEqual(await store.course('CS101'), {
      courseId: 'CS101',
      name: '',
      thresholds: {},
      atRisk: null,
    });
  });

  it('imports a timetable (sessions, halls, course names) and courses with threshold overrides', async () => {
    const tt = [
      'session_id,course_id,hall_id,start,end,course_name',
      'CS101-1,CS101,HALL-A,2026-03-16T09:00:00Z,2026-03-16T10:30:00Z,Programming',
      'CS101-2,CS101,HALL-A,2026-03-17T09:00:00Z,2026-03-17T08:00:00Z,',
      'CS101-3,CS101,HALL-A,tomorrow,2026-03-18T10:30:00Z,',
    ].join('\n');
    const r = await importCampus(store, 'timetable', tt, 'tt.csv');
    assert.deepEqual(r.errors, [
      { line: 3, reason: 'end: end must be after start' },
      {
        line: 4,
        reason: 'start: an ISO 8601 time with zone, e.g. 2026-03-19T09:00:00Z; end: end must be after start',
      },
    ]);
    assert.equal((await store.session('CS101-1'))?.day, '2026-03-16');
    assert.deepEqual(await store.halls(), [{ hallId: 'HALL-A', name: '' }]);
    assert.equal((await store.course('CS101'))?.name, 'Programming');

    const courses =
      'course_id,name,overrides\nCS101,Programming I,"{""graceSec"":60}"\nMA201,Analysis,"{""nope"":1}"\n';
    const c = await importCampus(store, 'courses', courses, 'courses.csv');
    assert.equal(c.imported, 1);
    assert.equal(c.errors.length, 1);
    assert.equal(c.errors[0]?.line, 3);
    assert.match(c.errors[0]?.reason ?? '', /nope/);
    assert.deepEqual(await store.course('CS101'), {
      courseId: 'CS101',
      name: 'Programming I',
      thresholds: { graceSec: 60 },
      atRisk: null,
    });
  });

  it('rejects a text that is not CSV or JSON at all with one clear error', async () => {
    await assert.rejects(importCampus(store, 'roster', '[{"a":', 'x.json'), { code: 'IMPORT_PARSE' });
  });
});
