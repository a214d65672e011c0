// Entry of every worker thread: loads the module named by workerData.main
// (relative to gateway/, without extension), compiled (.js in dist/) or the
// TypeScript source through tsx (worker threads do not inherit the parent's
// --import hooks on Node 20).
import { existsSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

const compiled = new URL(`./${workerData.main}.js`, import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL(`./${workerData.main}.ts`, import.meta.url).href);
}
