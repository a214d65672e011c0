import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../gateway/cli.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();

describe('hallgate CLI', () => {
  it('--help lists every subcommand', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0);
    for (const c of commands) assert.match(r.stdout, new RegExp(`\\n  ${c.name} `), c.name);
    for (const name of [
      'demo',
      'run',
      'simulate',
      'import',
      'records',
      'invalid',
      'stats',
      'review',
      'config',
    ]) {
      assert.ok(
        commands.some((c) => c.name === name),
        name,
      );
    }
  });

  it('an unknown command exits 2 with the help', async () => {
    const r = await runCli(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
  });

  it('a bad configuration exits 1 before anything starts, naming field, value and expectation', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'readers:\n  - id: r1\n    path: /dev/nonexistent\n    gateId: G\n    parity: sometimes\n',
    );
    const check = await runCli(['config', 'check', bad]);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /readers\.0\.parity: got "sometimes"; expected one of "none", "even", "odd"/);
    const run = await runCli(['run', '--config', bad]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /readers\.0\.parity/);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'gateway: { id: gw-2 }\n');
    assert.equal((await runCli(['config', 'check', good])).code, 0);
  });

  it('import keeps good rows, reports bad ones and exits 3', async () => {
    const f = join(dir, 'roster.csv');
    writeFileSync(f, 'student_id,name,card_uid\nS1,Ann,00000000A1\nS2,Bob,zz\n');
    const db = join(dir, 'cli.db');
    const r = await runCli(['import', 'roster', f, '--db', db]);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /imported 1 row/);
    assert.match(r.stderr, /roster\.csv:3: carduid/);
  });

  it('review resolve keeps a manual decision with who and why, listed by records', async () => {
    const db = join(dir, 'review.db');
    const sim = await runCli([
      'simulate',
      '--db',
      db,
      '--students',
      '30',
      '--seed',
      '5',
      '--day',
      '2026-03-19',
    ]);
    assert.equal(sim.code, 0, sim.stderr);
    const recs = JSON.parse((await runCli(['records', '--db', db, '--json'])).stdout) as {
      studentId: string;
      sessionId: string;
      status: string;
      version: number;
    }[];
    const target = recs.find((r) => r.status === 'absent') ?? recs[0]!;
    const res = await runCli([
      'review',
      'resolve',
      `${target.studentId}/${target.sessionId}`,
      '--status',
      'present',
      '--note',
      'sick note seen',
      '--by',
      'registrar',
      '--db',
      db,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const after = JSON.parse(
      (
        await runCli([
          'records',
          '--db',
          db,
          '--json',
          '--student',
          target.studentId,
          '--lecture',
          target.sessionId,
        ])
      ).stdout,
    ) as {
      status: string;
      manual: boolean;
      version: number;
      note: string;
    }[];
    assert.equal(after[0]!.status, 'present');
    assert.equal(after[0]!.manual, true);
    assert.equal(after[0]!.version, target.version + 1);
    assert.match(after[0]!.note, /sick note seen \(by registrar\)/);
    const bad = await runCli([
      'review',
      'resolve',
      `${target.studentId}/${target.sessionId}`,
      '--status',
      'maybe',
      '--note',
      'x',
      '--db',
      db,
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--status must be one of/);
  });

  it('stats unique prints the HyperLogLog estimate next to the exact count, and survives a restart', async () => {
    const db = join(dir, 'stats.db');
    assert.equal(
      (await runCli(['simulate', '--db', db, '--students', '300', '--seed', '2', '--day', '2026-03-19']))
        .code,
      0,
    );
    const r = await runCli(['stats', 'unique', '--lecture', 'C101', '--date', '2026-03-19', '--db', db]);
    assert.equal(r.code, 0, r.stderr);
    const m = /estimate (\d+) .* exact (\d+)/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const [estimate, exact] = [Number(m[1]), Number(m[2])];
    assert.ok(exact > 100, r.stdout);
    assert.ok(Math.abs(estimate - exact) / exact < 0.05, r.stdout);
  });

  it('the demo runs a simulated hall end to end and prints the summary table', async () => {
    const r = await runCli(['demo', '--duration', '3', '--students', '40', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /lecture\s+time\s+enrolled\s+present\s+late/);
    const rows = r.stdout.split('\n').filter((l) => /^C10\d-/.test(l));
    assert.equal(rows.length, 4, r.stdout);
    assert.match(r.stdout, /invalid attempts: \d+/);
    // Everything synced is accepted centrally: nothing dead-lettered (times are whole milliseconds).
    const central = /central store: (\d+) events, .* (\d+) dead letters/.exec(r.stdout);
    assert.ok(central, r.stdout);
    assert.ok(Number(central[1]) > 0, r.stdout);
    assert.equal(central[2], '0', r.stdout);
  });
});
