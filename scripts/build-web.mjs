#!/usr/bin/env node
// Builds the web console (web/) with Vite into web/dist, which `hallgate
// aggregator` and `hallgate demo` serve at /. Skips the build when web/dist is
// newer than every file under web/src (and web/index.html, the Vite config);
// --force builds anyway. Fails when the JavaScript and CSS exceed 200 KB
// gzipped. Without Vite (a production install without dev dependencies) it
// says so and exits 0: the API is served without the console.
//   node scripts/build-web.mjs [--force]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const web = join(root, 'web');
const out = join(web, 'dist');
const LIMIT = 200 * 1024;

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const sources = [...files(join(web, 'src')), join(web, 'index.html'), join(web, 'vite.config.mjs')];
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
const index = join(out, 'index.html');
if (!process.argv.includes('--force') && existsSync(index) && statSync(index).mtimeMs >= newest) {
  console.log('build:web: web/dist is up to date');
  process.exit(0);
}
let build;
try {
  ({ build } = await import('vite'));
} catch {
  console.log('build:web: vite is not installed (dev dependencies); the console is not built');
  process.exit(0);
}
await build({ configFile: join(web, 'vite.config.mjs'), logLevel: 'warn' });
const assets = files(join(out, 'assets')).filter((f) => /\.(js|css)$/.test(f));
const gz = assets.reduce((n, f) => n + gzipSync(readFileSync(f)).length, 0);
console.log(`build:web: web/dist ready, ${assets.length} JS/CSS files, ${(gz / 1024).toFixed(1)} KB gzipped`);
if (gz > LIMIT) {
  console.error(`build:web: the console is over its budget of ${LIMIT / 1024} KB gzipped`);
  process.exit(1);
}
