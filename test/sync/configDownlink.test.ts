import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { ConfigDownlink, type ConfigOutcome } from '../../sync/configDownlink.ts';
import { configTopic } from '../../sync/topics.ts';
import { BROKER_KINDS, startBroker, type TestBroker } from './fixtures/brokers.ts';
import { openGatewayDb } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const msg = (kind: string, version: number, data: unknown) =>
  JSON.stringify({ schemaVersion: 1, kind, version, issuedAt: 1, data });

for (const kind of BROKER_KINDS) {
  describe(`configuration downlink over ${kind}`, () => {
    let broker: TestBroker;
    let dir: string;
    let publisher: MqttClient;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hallgate-downlink-'));
      broker = await startBroker(kind);
      publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'config-publisher' });
    });
    after(async () => {
      await publisher.endAsync();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('applies newer retained versions, ignores older, same, malformed and failing ones, and remembers across restarts', async () => {
      const db = openGatewayDb(join(dir, 'gw.db'));
      const applied: [string, number, unknown][] = [];
      const outcomes: [string, number | null, ConfigOutcome][] = [];
      const build = () => {
        const d = new ConfigDownlink(
          { url: broker.url, site: 'campus', gatewayId: 'gw-1', reconnectMinMs: 100 },
          {
            db,
            log: silentLogger(),
            clock: systemClock,
            apply: (k, version, data) => {
              if (k === 'enrolments') throw new Error('store import failed');
              applied.push([k, version, data]);
            },
          },
        );
        d.onOutcome((k, v, o) => outcomes.push([k, v, o]));
        return d;
      };
      // retained before the gateway starts
      await publisher.publishAsync(
        configTopic('campus', 'roster'),
        msg('roster', 2, [{ studentId: 'S1', cardUid: 'C1' }]),
        {
          qos: 1,
          retain: true,
        },
      );
      let d = build();
      await d.start();
      await waitFor(() => applied.length === 1, 'retained roster applied');
      assert.deepEqual(applied[0], ['roster', 2, [{ studentId: 'S1', name: '', cardUid: 'C1' }]]);

      const publish = (topicKind: 'roster' | 'thresholds' | 'enrolments', body: string) =>
        publisher.publishAsync(configTopic('campus', topicKind), body, { qos: 1, retain: true });
      await publish('roster', msg('roster', 1, []));
      await publish('roster', '{"schemaVersion":1,');
      await publish('roster', msg('roster', 5, [{ nope: true }]));
      await publish('thresholds', msg('roster', 9, []));
      await publish('enrolments', msg('enrolments', 1, [{ studentId: 'S1', courseId: 'CS101' }]));
      await publish('thresholds', msg('thresholds', 3, { graceSec: 120, missingExit: 'flag' }));
      await waitFor(() => applied.length === 2, 'thresholds applied');
      assert.deepEqual(applied[1], ['thresholds', 3, { graceSec: 120, missingExit: 'flag' }]);
      assert.deepEqual(
        outcomes.map((o) => o[2]),
        ['applied', 'older', 'malformed', 'malformed', 'malformed', 'failed', 'applied'],
      );
      assert.deepEqual(d.appliedVersions(), {
        roster: 2,
        enrolments: 0,
        timetable: 0,
        thresholds: 3,
        decisions: 0,
      });
      await d.stop();

      // restart: the retained roster v5 is malformed and thresholds v3 already applied -> nothing re-applied
      outcomes.length = 0;
      d = build();
      await d.start();
      await waitFor(() => outcomes.length >= 3, 'retained messages seen again');
      await d.stop();
      assert.equal(applied.length, 2, 'nothing applied twice');
      assert.ok(outcomes.some((o) => o[0] === 'thresholds' && o[2] === 'same'));
      db.close();
    });
  });
}
