import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { Spool } from '../../gateway/pipeline/spool.ts';
import { createLogger } from '../../kernel/log.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

/** Every file and directory under `root` whose mode lets group or others in, with its mode. */
function openToOthers(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const p = join(root, name);
    if (statSync(p).mode & 0o077) out.push(`${name} ${mode(p)}`);
  }
  return out;
}

describe('private by default (umask 022)', () => {
  let old = 0;
  before(() => {
    old = process.umask(0o022);
  });
  after(() => {
    process.umask(old);
  });

  it('the gateway store, its -wal and -shm are 0600 in a 0700 directory it creates', () => {
    const p = join(dir, 'gw', 'state', 'hallgate.db');
    const store = LocalStore.open(p, 0);
    store.setMeta('x', '1');
    for (const f of [p, `${p}-wal`, `${p}-shm`]) {
      assert.ok(existsSync(f), f);
      assert.equal(mode(f), '600', f);
    }
    assert.equal(mode(join(dir, 'gw', 'state')), '700');
    assert.equal(mode(join(dir, 'gw')), '700');
    store.close();
  });

  it('an existing 0644 store is made 0600 when opened', async () => {
    const p = join(dir, 'old.db');
    const { writeFileSync, chmodSync } = await import('node:fs');
    writeFileSync(p, '');
    chmodSync(p, 0o644);
    LocalStore.open(p, 0).close();
    assert.equal(mode(p), '600');
  });

  it(
    "another user's store keeps its mode: opening it does not fail on chmod",
    { skip: process.getuid?.() === 0 ? false : 'needs root to act as another user' },
    async () => {
      const { chmodSync, writeFileSync } = await import('node:fs');
      const { spawnSync } = await import('node:child_process');
      const shared = join(dir, 'shared');
      LocalStore.open(join(shared, 'theirs.db'), 0).close();
      chmodSync(dir, 0o755);
      chmodSync(shared, 0o755);
      chmodSync(join(shared, 'theirs.db'), 0o644);
      // The other user may not be able to read this checkout (a clone in a 0700 directory), so
      // privateDatabase is bundled to plain JavaScript beside the store (esbuild, tsx's own compiler).
      const { buildSync } = await import('esbuild');
      const modes = join(shared, 'fileModes.mjs');
      buildSync({
        entryPoints: [join(import.meta.dirname, '../../kernel/fileModes.ts')],
        bundle: true,
        platform: 'node',
        format: 'esm',
        outfile: modes,
        logLevel: 'silent',
      });
      chmodSync(modes, 0o644);
      const script = join(shared, 'open.mjs');
      writeFileSync(
        script,
        `import { privateDatabase } from ${JSON.stringify(modes)};\nprivateDatabase(${JSON.stringify(join(shared, 'theirs.db'))});\nconsole.log('opened');\n`,
        { mode: 0o644 },
      );
      const r = spawnSync(process.execPath, [script], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        cwd: shared,
      });
      chmodSync(dir, 0o700);
      assert.equal(r.stdout.trim(), 'opened', r.stderr);
      assert.equal(mode(join(shared, 'theirs.db')), '644');
    },
  );

  it('the central SQLite store and its -wal/-shm are 0600 in a 0700 directory', async () => {
    const p = join(dir, 'central', 'central.db');
    const s = new SqliteCentralStore(p);
    await s.start();
    for (const f of [p, `${p}-wal`, `${p}-shm`]) assert.equal(mode(f), '600', f);
    assert.equal(mode(join(dir, 'central')), '700');
    await s.stop();
  });

  it('the spool file is 0600', () => {
    const p = join(dir, 'spooldir', 'ingest.spool');
    LocalStore.open(join(dir, 'spooldir', 'hallgate.db'), 0).close();
    const spool = new Spool<{ a: number }>(p, createLogger({ level: 'silent' }), {
      capacityBytes: 64 * 1024,
    });
    spool.open();
    spool.put([{ a: 1 }]);
    assert.equal(mode(p), '600');
    spool.close();
  });

  it('no file of `hallgate demo --keep DIR` is readable by group or others', async () => {
    const keep = join(dir, 'demo-kept');
    const r = await runCli(['demo', '--duration', '3', '--students', '30', '--quiet', '--keep', keep]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(keep, 'hallgate.db')) && existsSync(join(keep, 'central.db')));
    assert.equal(mode(keep), '700');
    assert.deepEqual(openToOthers(keep), []);
  });
});
