import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { CampusConfigPublisher } from '../../sync/campus/configPublisher.ts';
import { gatewayConfig, type CampusSnapshot } from '../../sync/campus/gatewayConfig.ts';
import { MqttRetainedSink } from '../../sync/campus/mqttRetainedSink.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { ConfigDownlink } from '../../sync/configDownlink.ts';
import { configTopic, gatewayConfigTopic, parseGatewayTopic } from '../../sync/topics.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { openGatewayDb } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const T = Date.parse('2026-03-16T09:00:00Z');
const campus: CampusSnapshot = {
  sessions: [
    { sessionId: 'A1', courseId: 'CA', hallId: 'HALL-A', start: T, end: T + 1, day: '2026-03-16' },
    { sessionId: 'B1', courseId: 'CB', hallId: 'HALL-B', start: T, end: T + 1, day: '2026-03-16' },
    { sessionId: 'C1', courseId: 'CA', hallId: 'HALL-C', start: T + 5, end: T + 6, day: '2026-03-16' },
  ],
  enrolments: [
    { studentId: 'S1', courseId: 'CA' },
    { studentId: 'S2', courseId: 'CB' },
    { studentId: 'S3', courseId: 'CA' },
    { studentId: 'S3', courseId: 'CB' },
  ],
  students: [
    { studentId: 'S1', name: 'Ada', cardUids: ['C1', 'C9'] },
    { studentId: 'S2', name: 'Bob', cardUids: ['C2'] },
    { studentId: 'S3', name: 'Cy', cardUids: [] },
    { studentId: 'S4', name: 'Dee', cardUids: ['C4'] },
  ],
  siteThresholds: { graceSec: 60 },
  courseThresholds: { CA: { graceSec: 600 }, CZ: { lateSec: 1 } },
  decisions: [],
  excuses: [],
};

describe('per-gateway configuration', () => {
  it("gives a gateway its halls' sessions, their courses' enrolments and students, the site thresholds", () => {
    const g = { hallIds: ['HALL-A'] };
    assert.deepEqual(gatewayConfig('timetable', g, campus), [
      { sessionId: 'A1', courseId: 'CA', hallId: 'HALL-A', start: T, end: T + 1 },
    ]);
    assert.deepEqual(gatewayConfig('enrolments', g, campus), [
      { studentId: 'S1', courseId: 'CA' },
      { studentId: 'S3', courseId: 'CA' },
    ]);
    assert.deepEqual(gatewayConfig('roster', g, campus), [
      { studentId: 'S1', name: 'Ada', cardUid: 'C1', cardUids: ['C1', 'C9'] },
      { studentId: 'S3', name: 'Cy', cardUid: null, cardUids: [] },
    ]);
    // The site thresholds, and the overrides of every course held in its halls (none: {}).
    assert.deepEqual(gatewayConfig('thresholds', g, campus), {
      graceSec: 60,
      courses: { CA: { graceSec: 600 } },
    });
    assert.deepEqual(gatewayConfig('thresholds', { hallIds: ['HALL-B'] }, campus), {
      graceSec: 60,
      courses: { CB: {} },
    });
    assert.deepEqual(
      gatewayConfig('roster', { hallIds: ['HALL-B', 'HALL-C'] }, campus).map((s) => s.studentId),
      ['S1', 'S2', 'S3'],
    );
    assert.deepEqual(gatewayConfig('timetable', { hallIds: ['HALL-Z'] }, campus), []);
  });

  it('topics: six levels, never parsed as a gateway leaf; the site-wide topic is unchanged', () => {
    assert.equal(gatewayConfigTopic('campus', 'gw-1', 'roster'), 'hallgate/v1/campus/gw-1/config/roster');
    assert.equal(parseGatewayTopic(gatewayConfigTopic('campus', 'gw-1', 'roster')), null);
    assert.equal(configTopic('campus', 'roster'), 'hallgate/v1/campus/config/roster');
  });

  it('publishes retained over real Mosquitto; the gateway downlink applies its own topic (site-wide: configDownlink.test.ts)', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start();
    after(() => broker.close());
    const store = new SqliteCampusStore(join(dir, 'central.db'));
    await store.start();
    after(() => store.stop());
    await store.upsertStudents(campus.students);
    await store.upsertSessions(campus.sessions);
    await store.upsertEnrolments(campus.enrolments);
    await store.upsertGateway({ site: 'campus', gatewayId: 'gw-1', hallIds: ['HALL-A'] });
    await store.upsertGateway({ site: 'campus', gatewayId: 'gw-2', hallIds: ['HALL-B'] });
    const sink = new MqttRetainedSink({ url: broker.url }, silentLogger());
    await sink.start();
    after(() => sink.stop());
    const clock = new ManualClock(5_000);
    const publisher = new CampusConfigPublisher({ campus: store, sink, clock, log: silentLogger() });
    await publisher.publish(['timetable', 'roster']);

    const db = openGatewayDb(join(dir, 'gw.db'));
    after(() => db.close());
    const applied: [string, number, unknown][] = [];
    const downlink = new ConfigDownlink(
      { url: broker.url, site: 'campus', gatewayId: 'gw-1' },
      { db, log: silentLogger(), clock: systemClock, apply: (k, v, d) => void applied.push([k, v, d]) },
    );
    await downlink.start();
    after(() => downlink.stop());
    await waitFor(() => applied.length === 2, 'both kinds applied', 60_000);
    assert.deepEqual(applied.sort(), [
      [
        'roster',
        5_000,
        [
          { studentId: 'S1', name: 'Ada', cardUid: 'C1', cardUids: ['C1', 'C9'] },
          { studentId: 'S3', name: 'Cy', cardUid: null, cardUids: [] },
        ],
      ],
      ['timetable', 5_000, [{ sessionId: 'A1', courseId: 'CA', hallId: 'HALL-A', start: T, end: T + 1 }]],
    ]);
    assert.deepEqual(await store.configVersions(), { roster: 5_000, timetable: 5_000 });
    // A second publication is the next version, whatever the clock says.
    await publisher.publish(['roster']);
    await waitFor(() => applied.length === 3, 'next roster applied', 60_000);
    assert.equal(applied[2]![1], 5_001);
    assert.deepEqual(downlink.appliedVersions(), {
      roster: 5_001,
      enrolments: 0,
      timetable: 5_000,
      thresholds: 0,
      decisions: 0,
    });
  });
});
