#!/usr/bin/env node
// Prints every import cycle among the project's .ts files and exits 1 when
// one is found that the allow-list below does not name. Follows relative
// imports and re-exports, `import type` included: a type-only cycle is
// erased at run time but still ties two modules into one. Run by
// `npm run lint`.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', 'dist', 'fixtures', 'coverage', '.tmp', 'var', '.cache', '.git']);

/**
 * Cycles accepted for now, each as its files joined by ' -> ' starting from
 * the alphabetically first file. Keep it short and say why each one stays.
 */
const ALLOWED = new Set([]);

function sourceFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT = /^\s*(import|export)\s+([^'";]*?\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function edgesOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(IMPORT)) {
    if (m[1] === 'export' && m[2] === undefined) continue;
    out.push(relative(root, resolve(dirname(file), m[3])));
  }
  return out;
}

/** The file an import names: as written, or with the extension or index file it leaves out. */
function resolveTarget(target, known) {
  const bare = target.replace(/\.js$/, '');
  const tries = [target, `${bare}.ts`, `${bare}.tsx`, `${bare}/index.ts`, `${bare}/index.tsx`];
  return tries.find((t) => known.has(t));
}

const files = sourceFiles(root).map((f) => relative(root, f));
const known = new Set(files);
const graph = new Map(
  files.map((f) => [
    f,
    edgesOf(join(root, f))
      .map((t) => resolveTarget(t, known))
      .filter((t) => t !== undefined),
  ]),
);

// Tarjan's strongly connected components, then one shortest cycle per edge back into the component.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v)) {
    if (!idx.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || graph.get(v).includes(v)) components.push(comp);
  }
}
for (const f of files) if (!idx.has(f)) connect(f);

/** The shortest path from `from` back to itself inside one component. */
function shortestCycle(from, inside) {
  const prev = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v)) {
      if (!inside.has(w)) continue;
      if (w === from) {
        const path = [v];
        for (let p = prev.get(v); p !== null; p = prev.get(p)) path.unshift(p);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [from];
}

const cycles = new Set();
for (const comp of components) {
  const inside = new Set(comp);
  for (const f of comp) {
    const c = shortestCycle(f, inside);
    const start = c.indexOf([...c].sort()[0]);
    cycles.add([...c.slice(start), ...c.slice(0, start)].join(' -> '));
  }
}

let bad = 0;
for (const c of [...cycles].sort()) {
  const allowed = ALLOWED.has(c);
  if (!allowed) bad++;
  console.log(`${allowed ? 'allowed' : 'cycle'}: ${c}`);
}
console.log(`${files.length} files, ${cycles.size} cycle(s), ${bad} not allowed`);
process.exitCode = bad > 0 ? 1 : 0;
