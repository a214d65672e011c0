#!/usr/bin/env node
// Production build: compiles the TypeScript sources to dist/ with tsc
// (tsconfig.build.json rewrites the `.ts` import extensions to `.js`) and
// copies the files the code loads relative to itself (SQL migrations, the
// checkpoint worker, CQL). dist/models points at models/ (face models are
// found relative to the code). bin/hallgate.js runs dist/ when it is at least
// as new as the sources, else the sources through tsx. A failed build leaves
// no dist/ behind, so nothing runs stale code, and exits non-zero, so an
// `npm ci` that runs it (the `prepare` script) fails loudly rather than
// installing a checkout that would start through tsx (3.6 s a command).
// With --on-install and no typescript (npm ci --omit=dev) it keeps the dist/
// that is there.
//   node scripts/build.mjs [--on-install]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const SOURCE_DIRS = ['kernel', 'gateway', 'rules', 'sync', 'bench'];

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (process.argv.includes('--on-install') && !existsSync(tsc)) {
  // npm ci --omit=dev (a device): no compiler; the dist/ built where the dev dependencies are is used.
  console.log(
    existsSync(join(dist, 'gateway', 'cli.js'))
      ? 'build: no typescript (production install); keeping the dist/ that is here'
      : 'build: no typescript (production install) and no dist/: bin/hallgate.js runs the sources through tsx',
  );
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(dist, { recursive: true, force: true });
  console.error('build: tsc failed; dist/ removed (bin/hallgate.js runs the sources through tsx)');
  process.exit(r.status ?? 1);
}

function copyAssets(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copyAssets(p);
    else if (!e.name.endsWith('.ts')) {
      const to = join(dist, relative(root, p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
    }
  }
}
for (const d of SOURCE_DIRS) copyAssets(join(root, d));
symlinkSync(join('..', 'models'), join(dist, 'models'), 'dir');
console.log(`build: ${relative(process.cwd(), dist) || '.'}/ ready`);
