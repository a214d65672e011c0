import type { Worker } from 'node:worker_threads';

/**
 * Waits (keeping the process alive meanwhile) for a worker just asked to stop
 * to exit, and terminates it if it has not within `ms`.
 */
export async function exitWithin(w: Worker, ms: number): Promise<void> {
  // Its 'exit' is emitted on a later turn of the event loop, so listening now misses nothing.
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  w.ref();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([exited, late]);
  clearTimeout(timer);
  await w.terminate();
}
