import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commands } from '../../gateway/cli.ts';
import { HALLGATE, type CliResult } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();

/** Runs `hallgate ARGS` in `cwd` (an empty folder, so anything created shows). */
function run(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HALLGATE, ...args], {
      cwd,
      env: { ...process.env, LOG_PRETTY: '0', HALLGATE_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function freshDir(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

const NO_STACK = /\n\s+at |node:internal|triggerUncaughtException|^\s*\^/m;

interface BadInput {
  args: (d: string) => string[];
  code: number;
  says: RegExp;
  /** Paths (relative to the run's folder, or absolute) that must not exist afterwards. */
  notCreated?: (d: string) => string[];
}

const BAD: Record<string, BadInput> = {
  'a date that does not exist': {
    args: () => ['records', '--date', '2026-02-31'],
    code: 2,
    says: /--date must be a date YYYY-MM-DD, got '2026-02-31'/,
  },
  'a date out of every range': {
    args: () => ['stats', 'unique', '--lecture', 'C101', '--date', '2026-99-99'],
    code: 2,
    says: /--date must be a date YYYY-MM-DD, got '2026-99-99'/,
  },
  'an unknown status': {
    args: () => ['records', '--status', 'maybe'],
    code: 2,
    says: /--status must be one of present, late, .* got 'maybe'/,
  },
  'a percentage over 100': {
    args: () => ['simulate', '--late-pct', '150'],
    code: 2,
    says: /--late-pct must be a number in \[0, 100\], got '150'/,
  },
  'a count below its range': {
    args: () => ['simulate', '--students', '0'],
    code: 2,
    says: /--students must be an integer in \[1, 1000000\], got '0'/,
  },
  'a store path with a typo': {
    args: (d) => ['records', '--db', join(d, 'typo', 'x.db')],
    code: 1,
    says: /no store at .*typo\/x\.db \(--db\)/,
    notCreated: (d) => [join(d, 'typo')],
  },
  'a query without --config': {
    args: () => ['invalid'],
    code: 1,
    says: /no store at var\/hallgate\.db \(the default store\.path; give --config FILE or --db PATH\)/,
    notCreated: () => ['var'],
  },
  'a serial device that is not there': {
    args: () => ['simulate', '--device', '/dev/ttyNOPE'],
    code: 1,
    says: /cannot open serial device \/dev\/ttyNOPE/,
    notCreated: () => ['var'],
  },
  'a folder that is not there for the config reference': {
    args: () => ['config', 'docs', '/nonexistent/dir/c.md'],
    code: 1,
    says: /cannot open \/nonexistent\/dir\/c\.md: no such file or directory/,
  },
  'a configuration file that is not there': {
    args: (d) => ['records', '--config', join(d, 'nope.yaml')],
    code: 1,
    says: /cannot read configuration file .*nope\.yaml/,
  },
  'an unknown option': {
    args: () => ['records', '--colour', 'red'],
    code: 2,
    says: /Unknown option '--colour'/,
  },
  'a manual decision with an unknown status': {
    args: (d) => [
      'review',
      'resolve',
      'S1/C101',
      '--status',
      'maybe',
      '--note',
      'x',
      '--db',
      join(d, 'x.db'),
    ],
    code: 2,
    says: /--status must be one of/,
    notCreated: (d) => [join(d, 'x.db')],
  },
  'a review decision on a store that is not there': {
    args: (d) => [
      'review',
      'resolve',
      'S1/C101',
      '--status',
      'present',
      '--note',
      'x',
      '--db',
      join(d, 'x.db'),
    ],
    code: 1,
    says: /no store at .*x\.db/,
    notCreated: (d) => [join(d, 'x.db')],
  },
  'a report day that does not exist': {
    args: () => ['report', 'latecomers', '--from', '2026-02-30', '--to', '2026-03-02'],
    code: 2,
    says: /--from must be a date YYYY-MM-DD, got '2026-02-30'/,
  },
};

describe('the CLI on bad input: one clear line, non-zero exit, no stack trace, nothing created', () => {
  let n = 0;
  for (const [what, c] of Object.entries(BAD)) {
    it(what, async () => {
      const cwd = freshDir(`case-${n++}`);
      const r = await run(c.args(cwd), cwd);
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.says);
      assert.doesNotMatch(r.stderr, NO_STACK);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^hallgate [a-z]+: /);
      for (const p of c.notCreated?.(cwd) ?? [])
        assert.equal(existsSync(join(cwd, p)), false, `${p} created`);
      assert.deepEqual(readdirSync(cwd), [], 'nothing created in the working folder');
    });
  }
});

describe('the CLI otherwise', () => {
  it('--version prints the version in package.json', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    const r = await run(['--version'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `hallgate ${pkg.version}`);
  });

  it('the help lists each command with the summary its module gives', async () => {
    for (const entry of commands) {
      const c = await entry.load();
      assert.equal(c.name, entry.name);
      assert.equal(c.summary, entry.summary, entry.name);
    }
  });

  it('-h on every command prints its usage and exits 0', async () => {
    for (const entry of commands) {
      const c = await entry.load();
      const r = await run([c.name, '-h'], dir);
      assert.equal(r.code, 0, `${c.name}: ${r.stderr}`);
      assert.ok(r.stdout.includes(c.usage.split('\n')[0]!), `${c.name}: ${r.stdout}`);
    }
  });

  it('a central store in a folder nobody may write names the file and the setting', async (t) => {
    const ro = freshDir('read-only');
    // Root ignores file modes; an immutable folder is read-only even for root (ext4, xfs, btrfs, tmpfs).
    if (spawnSync('chattr', ['+i', ro]).status !== 0) {
      t.skip('chattr +i is not supported here');
      return;
    }
    t.after(() => spawnSync('chattr', ['-i', ro]));
    const cfg = join(dir, 'central-ro.yaml');
    writeFileSync(
      cfg,
      `aggregator: { sqlitePath: ${join(ro, 'central.db')} }\nmqtt: { url: 'mqtt://127.0.0.1:1' }\n`,
    );
    const r = await run(['aggregator', '--config', cfg], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^hallgate aggregator: cannot open central store .*central\.db \(aggregator\.sqlitePath\): /,
    );
    assert.doesNotMatch(r.stderr, NO_STACK);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('a closed pipe on stdout (records | head -1) ends quietly', async () => {
    const db = join(dir, 'pipe.db');
    const sim = await run(
      ['simulate', '--db', db, '--students', '400', '--seed', '3', '--day', '2026-03-19'],
      dir,
    );
    assert.equal(sim.code, 0, sim.stderr);
    const r = spawnSync(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" "${HALLGATE}" records --db "${db}" | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`,
      ],
      { encoding: 'utf8', env: { ...process.env, LOG_PRETTY: '0' } },
    );
    assert.match(r.stdout, /day\s+session\s+student/);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.equal(r.stderr.trim(), 'exit=0', r.stderr);
  });
});
