import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('hallgate doctor', () => {
  it('passes on a seeded store with a real Mosquitto and a pty, and fails clearly on a missing device', async () => {
    const dir = tempDir();
    const broker = await Mosquitto.start({ users: [{ username: 'gw', password: 'right' }] });
    after(() => broker.close());
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, 'gw.db');
    const config = (readerPath: string, password: string): string => {
      const p = join(dir, `gw-${password}-${readerPath.length}.yaml`);
      writeFileSync(
        p,
        [
          'gateway: { id: gw-doc, hallId: HALL-A }',
          `store: { path: ${db} }`,
          `mqtt: { enabled: true, url: "${broker.url}", username: gw, password: ${password}, minDiskFreeMb: 1 }`,
          'readers:',
          `  - { id: r1, path: ${readerPath}, protocol: em4100, gateId: HALL-A-IN }`,
        ].join('\n'),
      );
      return p;
    };
    const good = config(pty.readerPath, 'right');
    // provision.sh's run, before the first start: no store yet is not a failure.
    const before = await runCli(['doctor', '--before-start', '--config', good]);
    assert.equal(before.code, 0, before.stdout + before.stderr);
    assert.match(
      before.stdout,
      /^skip {2}store integrity: no store yet at .*gw\.db: the daemon creates it at its first start$/m,
    );
    const notYet = await runCli(['doctor', '--config', good]);
    assert.equal(notYet.code, 1, notYet.stdout);
    assert.match(notYet.stdout, /^FAIL {2}store integrity: no store at /m);
    const seeded = await runCli(['simulate', '--config', good, '--seed-store', '--students', '10']);
    assert.equal(seeded.code, 0, seeded.stderr);

    const pass = await runCli(['doctor', '--config', good]);
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    const lines = pass.stdout.trim().split('\n');
    for (const name of ['configuration', 'store integrity', 'free disk', 'reader r1', 'broker', 'outbox']) {
      assert.ok(
        lines.some((l) => l.startsWith(`ok    ${name}: `)),
        `${name} not ok:\n${pass.stdout}`,
      );
    }
    assert.match(pass.stdout, /quick_check ok/);
    assert.equal(lines.at(-1), 'all checks passed');
    assert.doesNotMatch(pass.stdout, /^FAIL/m);

    const missing = await runCli(['doctor', '--config', config('/dev/ttyNOPE', 'right')]);
    assert.equal(missing.code, 1, missing.stdout);
    assert.match(
      missing.stdout,
      /^FAIL {2}reader r1: \/dev\/ttyNOPE is not there -> fix: plug the reader in, or set readers\.0\.path/m,
    );
    assert.match(missing.stdout, /^1 check\(s\) failed$/m);

    const badPassword = await runCli(['doctor', '--config', config(pty.readerPath, 'wrong')]);
    assert.equal(badPassword.code, 1, badPassword.stdout);
    assert.match(badPassword.stdout, /^FAIL {2}broker: .* -> fix: check mqtt\.username\/mqtt\.password/m);
    assert.equal(badPassword.stderr, '');
  });
});
