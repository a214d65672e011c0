import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { gatesOf } from '../../gateway/config/doors.ts';
import { ConfigError, validateConfig } from '../../gateway/config/loadConfig.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { createLogger } from '../../kernel/log.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const reader = (id: string, gateId: string) => ({ id, path: `/dev/tty-${id}`, gateId });

describe('doors: card and face pair by door', () => {
  const cases: { name: string; raw: object; readers: Record<string, string>; camera: string }[] = [
    {
      name: 'default configuration: the camera stands at the first reader\u2019s gate',
      raw: { readers: [reader('r1', 'G1')], camera: { enabled: true, input: 'x.mp4' } },
      readers: { r1: 'G1' },
      camera: 'G1',
    },
    {
      name: 'no reader: the camera keeps its own gate',
      raw: { camera: { enabled: true, input: 'x.mp4' } },
      readers: {},
      camera: 'cam-1',
    },
    {
      name: 'camera.gateId set: kept',
      raw: { readers: [reader('r1', 'G1')], camera: { gateId: 'side' } },
      readers: { r1: 'G1' },
      camera: 'side',
    },
    {
      name: 'a door with two readers and the camera: all report the door',
      raw: {
        readers: [reader('r1', 'G1'), reader('r2', 'G2'), reader('r3', 'G3')],
        doors: [{ id: 'north', readers: ['r1', 'r2'], camera: true }],
      },
      readers: { r1: 'north', r2: 'north', r3: 'G3' },
      camera: 'north',
    },
    {
      name: 'a door without the camera: the camera goes with the first reader\u2019s door',
      raw: { readers: [reader('r1', 'G1')], doors: [{ id: 'main', readers: ['r1'] }] },
      readers: { r1: 'main' },
      camera: 'main',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const gates = gatesOf(validateConfig(c.raw));
      assert.equal(gates.cameraGate, c.camera);
      for (const [id, gate] of Object.entries(c.readers)) assert.equal(gates.readerGate(id), gate, id);
    });
  }

  it('every problem of a doors list is reported at once', () => {
    const raw = {
      readers: [reader('r1', 'G1')],
      camera: { gateId: 'cam-x' },
      doors: [
        { id: 'a', readers: ['r1', 'r9'], camera: true },
        { id: 'b', readers: ['r1'], camera: true },
      ],
    };
    let err: unknown;
    try {
      validateConfig(raw);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(
      err.problems.map((p) => `${p.field}: ${p.expected}`),
      [
        "doors.0.readers.1: no reader with id 'r9'",
        "doors.1.readers.0: reader 'r1' is already at door 'a'",
        'doors: the camera can watch one door, not a, b',
      ],
    );
    assert.equal(err.message.split('\n').length, 4);
  });

  it('with the default configuration a badge and the same student\u2019s face are verified', () => {
    const cfg = validateConfig({
      store: { path: join(dir, 'door.db') },
      pipeline: { classifierThread: false },
      readers: [reader('r1', 'G1')],
      camera: { enabled: true, input: 'x.mp4' },
    });
    const t = Date.parse('2026-03-02T08:58:00Z');
    const core = new GatewayCore(cfg, new ManualClock(t), createLogger({ level: 'silent' }));
    core.store.tx(() => {
      core.store.upsertStudent({ studentId: 'S1', name: 'Ann', cardUid: '00000000A1' }, 0);
      core.store.upsertEnrolment('S1', 'C1');
      core.store.upsertSession({
        sessionId: 'L1',
        courseId: 'C1',
        hallId: cfg.gateway.hallId,
        start: t + 2 * 60_000,
        end: t + 92 * 60_000,
      });
    });
    core.rebuildBloom();
    const gates = gatesOf(cfg);
    const hallId = cfg.gateway.hallId;
    core.pipeline.ingest({
      kind: 'swipe',
      uid: '00000000A1',
      ts: t,
      gate: { gateId: gates.readerGate('r1'), hallId, direction: 'enter' },
    });
    core.pipeline.ingest({
      kind: 'face',
      event: {
        eventId: 'face-1',
        source: 'face',
        studentId: 'S1',
        rawId: 'S1',
        gateId: gates.cameraGate,
        hallId,
        direction: cfg.camera.direction,
        ts: t + 3000,
        confidence: 0.8,
      },
    });
    core.pipeline.settle();
    const [rec] = core.store.listRecords({ studentId: 'S1' });
    assert.ok(rec?.flags.includes('verified'), JSON.stringify(rec?.flags));
    core.store.close();
  });
});
