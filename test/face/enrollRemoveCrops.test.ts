import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { IdentityEvent } from '../../rules/types.ts';
import { cropFileName } from '../../gateway/face/reviewCrops.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const T0 = Date.UTC(2026, 2, 19, 9);

function ev(
  id: string,
  source: 'rfid' | 'face',
  studentId: string | null,
  offsetSec: number,
  hallId = 'HALL-A',
): IdentityEvent {
  return {
    eventId: id,
    source,
    studentId,
    rawId: id,
    gateId: 'G1',
    hallId,
    direction: 'enter',
    ts: T0 + offsetSec * 1000,
  };
}

describe('enroll --remove', () => {
  it("deletes the review crops that may show the student (unknown faces beside their swipes), not others'", async () => {
    const dir = tempDir();
    const db = join(dir, 'gw.db');
    const crops = join(dir, 'crops');
    mkdirSync(crops);
    const store = LocalStore.open(db, T0);
    store.tx(() => {
      store.insertEvent(ev('swipe-s1', 'rfid', 'S1', 0), T0);
      store.insertEvent(ev('face-beside', 'face', null, 4), T0); // within the 10 s pairing window
      store.insertEvent(ev('face-later', 'face', null, 600), T0); // ten minutes later: someone else
      store.insertEvent(ev('face-elsewhere', 'face', null, 2, 'HALL-B'), T0); // another hall
    });
    store.close();
    for (const id of ['face-beside', 'face-later', 'face-elsewhere'])
      writeFileSync(join(crops, cropFileName(id)), 'jpeg');
    const cfg = join(dir, 'gw.yaml');
    writeFileSync(cfg, `store: { path: ${db} }\ncamera: { reviewCrops: { enabled: true, dir: ${crops} } }\n`);

    const r = await runCli(['enroll', '--remove', 'S1', '--config', cfg]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /removed 1 review crop that may show student S1/);
    assert.equal(existsSync(join(crops, cropFileName('face-beside'))), false);
    assert.equal(existsSync(join(crops, cropFileName('face-later'))), true);
    assert.equal(existsSync(join(crops, cropFileName('face-elsewhere'))), true);
  });
});
