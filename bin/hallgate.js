#!/usr/bin/env node
// The `hallgate` command. Runs the compiled build (dist/, from `npm run build`)
// when it is there and at least as new as every source file; otherwise runs
// the TypeScript sources through tsx, as on a fresh clone. HALLGATE_TSX=1
// forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'dist', 'gateway', 'cli.js');

/** Newest modification time of any file under the source folders. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return; // an installed tree ships dist/ without the sources
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['kernel', 'gateway', 'rules', 'sync']) walk(join(root, d));
  return newest;
}

function useBuild() {
  if (process.env.HALLGATE_TSX === '1' || !existsSync(built)) return false;
  try {
    return statSync(built).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

let main;
if (useBuild()) {
  ({ main } = await import(pathToFileURL(built).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../gateway/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
